/**
 * The v1.0 property names per resource, as the simulated Graph checks
 * `$select` against them (unknown names: 400, see `unknownSelect`).
 *
 * For the service's `$select` lists (src/graph/resources/*): pick only names
 * listed here. administrativeUnits has no `membershipType` in v1.0 (beta
 * only), nor `membershipRule`/`membershipRuleProcessingState`: selecting them
 * is refused, as Graph does. Navigation properties that delta reports as
 * `<name>@delta` (`members`, `owners`) are selectable on groups and
 * directoryRoles.
 *
 * Sources: microsoftgraph/microsoft-graph-docs-contrib,
 * api-reference/v1.0/resources/<type>.md, the "Properties" table of each
 * (plus `deletedDateTime` and `id` inherited from directoryobject.md).
 */
import type { ObjectType } from "./types.js";

const DIRECTORY_OBJECT = ["id", "deletedDateTime"] as const;

/** api-reference/v1.0/resources/user.md */
const USER = [
  "aboutMe", "accountEnabled", "ageGroup", "assignedLicenses", "assignedPlans", "authorizationInfo", "birthday",
  "businessPhones", "city", "companyName", "consentProvidedForMinor", "country", "createdDateTime", "creationType",
  "customSecurityAttributes", "department", "displayName", "employeeHireDate", "employeeLeaveDateTime", "employeeId",
  "employeeOrgData", "employeeType", "externalUserState", "externalUserStateChangeDateTime", "faxNumber", "givenName",
  "hireDate", "identities", "imAddresses", "interests", "isManagementRestricted", "isResourceAccount", "jobTitle",
  "lastPasswordChangeDateTime", "legalAgeGroupClassification", "licenseAssignmentStates", "mail", "mailboxSettings",
  "mailNickname", "mobilePhone", "mySite", "officeLocation", "onPremisesDistinguishedName", "onPremisesDomainName",
  "onPremisesExtensionAttributes", "onPremisesImmutableId", "onPremisesLastSyncDateTime", "onPremisesProvisioningErrors",
  "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "onPremisesUserPrincipalName",
  "otherMails", "passwordPolicies", "passwordProfile", "pastProjects", "postalCode", "preferredDataLocation",
  "preferredLanguage", "preferredName", "provisionedPlans", "proxyAddresses", "responsibilities", "schools",
  "securityIdentifier", "serviceProvisioningErrors", "showInAddressList", "signInActivity",
  "signInSessionsValidFromDateTime", "skills", "state", "streetAddress", "surname", "usageLocation",
  "userPrincipalName", "userType",
  // A relationship $select accepts on delta ("$select also supports manager", concepts/delta-query-overview.md).
  "manager",
] as const;

/** api-reference/v1.0/resources/group.md (members, owners: relationships delta reports as @delta) */
const GROUP = [
  "allowExternalSenders", "assignedLabels", "assignedLicenses", "autoSubscribeNewMembers", "classification",
  "createdDateTime", "description", "displayName", "expirationDateTime", "groupTypes", "hasMembersWithLicenseErrors",
  "hideFromAddressLists", "hideFromOutlookClients", "isAssignableToRole", "isManagementRestricted", "isSubscribedByMail",
  "licenseProcessingState", "mail", "mailEnabled", "mailNickname", "membershipRule", "membershipRuleProcessingState",
  "onPremisesDomainName", "onPremisesLastSyncDateTime", "onPremisesNetBiosName", "onPremisesProvisioningErrors",
  "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "preferredDataLocation",
  "preferredLanguage", "proxyAddresses", "renewedDateTime", "resourceBehaviorOptions", "resourceProvisioningOptions",
  "securityEnabled", "securityIdentifier", "serviceProvisioningErrors", "theme", "uniqueName", "unseenCount", "visibility",
  "members", "owners",
] as const;

/** api-reference/v1.0/resources/device.md */
const DEVICE = [
  "accountEnabled", "alternativeSecurityIds", "approximateLastSignInDateTime", "complianceExpirationDateTime",
  "deviceCategory", "deviceId", "deviceMetadata", "deviceOwnership", "deviceVersion", "displayName",
  "enrollmentProfileName", "enrollmentType", "extensionAttributes", "isCompliant", "isManaged", "isManagementRestricted",
  "isRooted", "managementType", "manufacturer", "mdmAppId", "model", "onPremisesLastSyncDateTime",
  "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "operatingSystem", "operatingSystemVersion", "physicalIds",
  "profileType", "registrationDateTime", "systemLabels", "trustType",
] as const;

/** api-reference/v1.0/resources/application.md */
const APPLICATION = [
  "addIns", "api", "appId", "applicationTemplateId", "appRoles", "certification", "createdDateTime", "defaultRedirectUri",
  "description", "disabledByMicrosoftStatus", "displayName", "groupMembershipClaims", "identifierUris", "info",
  "isDeviceOnlyAuthSupported", "isFallbackPublicClient", "keyCredentials", "logo", "nativeAuthenticationApisEnabled",
  "notes", "oauth2RequirePostResponse", "optionalClaims", "parentalControlSettings", "passwordCredentials",
  "publicClient", "publisherDomain", "requestSignatureVerification", "requiredResourceAccess", "samlMetadataUrl",
  "serviceManagementReference", "servicePrincipalLockConfiguration", "signInAudience", "spa", "tags",
  "tokenEncryptionKeyId", "uniqueName", "verifiedPublisher", "web", "owners",
] as const;

/** api-reference/v1.0/resources/serviceprincipal.md */
const SERVICE_PRINCIPAL = [
  "accountEnabled", "addIns", "alternativeNames", "appDescription", "appDisplayName", "appId", "applicationTemplateId",
  "appOwnerOrganizationId", "appRoleAssignmentRequired", "appRoles", "customSecurityAttributes", "description",
  "disabledByMicrosoftStatus", "displayName", "homepage", "info", "keyCredentials", "loginUrl", "logoutUrl", "notes",
  "notificationEmailAddresses", "oauth2PermissionScopes", "passwordCredentials", "preferredSingleSignOnMode",
  "preferredTokenSigningKeyThumbprint", "replyUrls", "resourceSpecificApplicationPermissions", "samlSingleSignOnSettings",
  "servicePrincipalNames", "servicePrincipalType", "signInAudience", "tags", "tokenEncryptionKeyId", "verifiedPublisher",
  "owners",
] as const;

/** api-reference/v1.0/resources/directoryrole.md */
const DIRECTORY_ROLE = ["description", "displayName", "roleTemplateId", "members"] as const;

/** api-reference/v1.0/resources/administrativeunit.md (membershipType and dynamic rules: beta only; members: reported as members@delta, administrativeunit-delta.md) */
const ADMINISTRATIVE_UNIT = ["description", "displayName", "visibility", "members"] as const;

/** api-reference/v1.0/resources/subscribedsku.md (not a directoryObject: no deletedDateTime) */
const SUBSCRIBED_SKU = [
  "id", "accountId", "accountName", "appliesTo", "capabilityStatus", "consumedUnits", "prepaidUnits", "servicePlans",
  "skuId", "skuPartNumber", "subscriptionIds",
] as const;

const withBase = (names: readonly string[]): ReadonlySet<string> => new Set([...DIRECTORY_OBJECT, ...names]);

/** Per type, every property `$select` may name in v1.0. */
export const V1_PROPERTIES: Readonly<Record<ObjectType, ReadonlySet<string>>> = {
  users: withBase(USER),
  groups: withBase(GROUP),
  devices: withBase(DEVICE),
  applications: withBase(APPLICATION),
  servicePrincipals: withBase(SERVICE_PRINCIPAL),
  directoryRoles: withBase(DIRECTORY_ROLE),
  administrativeUnits: withBase(ADMINISTRATIVE_UNIT),
  subscribedSkus: new Set(SUBSCRIBED_SKU),
};

/** The OData entity type name of a resource, as Graph's errors spell it. */
export const ENTITY_TYPE: Readonly<Record<ObjectType, string>> = {
  users: "microsoft.graph.user",
  groups: "microsoft.graph.group",
  devices: "microsoft.graph.device",
  applications: "microsoft.graph.application",
  servicePrincipals: "microsoft.graph.servicePrincipal",
  directoryRoles: "microsoft.graph.directoryRole",
  administrativeUnits: "microsoft.graph.administrativeUnit",
  subscribedSkus: "microsoft.graph.subscribedSku",
};

/** The first selected name the type lacks in v1.0, or undefined when all exist. */
export function unknownSelect(type: ObjectType, select: readonly string[] | null): string | undefined {
  if (select === null) return undefined;
  const known = V1_PROPERTIES[type];
  return select.find((p) => !known.has(p));
}

/** Graph's 400 message for an unknown `$select` property (OData: Request_BadRequest). */
export function unknownPropertyMessage(type: ObjectType, name: string): string {
  return `Could not find a property named '${name}' on type '${ENTITY_TYPE[type]}'.`;
}
