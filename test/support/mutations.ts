export { expectedCounts, expectedLinkCounts, type AppliedChange as Applied, type AppliedChange as AppliedLink } from "../../src/local/sim/graph/expected-changes.js";
