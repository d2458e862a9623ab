export { expectedCounts, expectedLinkChanges, expectedLinkCounts, type AppliedChange as Applied, type AppliedChange as AppliedLink } from "../../packages/azure-sim/src/graph/expected-changes.js";
