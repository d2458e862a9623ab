// Entra ID directory sync service: everything one azd environment needs.
//
//   resource group (tagged azd-env-name)
//   ├─ user-assigned identity ........ the only identity the app uses (storage, vault, telemetry)
//   ├─ storage account ............... host storage, Durable Functions hub, app tables, deployment package
//   ├─ key vault ..................... customer client secrets (RBAC, soft delete, purge protection)
//   ├─ Log Analytics + App Insights .. telemetry, Entra-only ingestion (local auth off)
//   ├─ action group .................. e-mail receiver for every alert
//   ├─ Flex Consumption Function App . Node 22, durable group always ready
//   ├─ scheduled query rules ......... credential expiry, failing tenants, Graph throttling
//   └─ Event Grid system topic ....... vault SecretNearExpiry / SecretExpired -> Azure Monitor alerts
//
// No storage key or keyed connection string exists anywhere: every data-plane
// call is made with the user-assigned identity (see modules/rbac.bicep).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; used for the resource group name and the unique resource token.')
param environmentName string

@minLength(1)
@description('Region for every resource. Must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object ID of the person (or CI principal) running azd. When set, it gets the same data roles as the app, for debugging. Empty: no assignment.')
param principalId string = ''

@description('Kind of principalId. azd sets AZURE_PRINCIPAL_TYPE; a CI service principal is ServicePrincipal.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('E-mail address for the alert action group. Empty: the action group has no receivers (alerts still show in the portal).')
param alertEmail string = ''

@minLength(1)
@description('Audience (aud) that portal API tokens must carry: the Application ID URI or client ID of the API app registration.')
param apiAudience string

@description('Tenant ID that issues the portal API tokens. Empty: the tenant of this subscription.')
param apiTenantId string = ''

@minValue(1)
@description('Graph 429 responses summed over 15 minutes above which the throttling alert fires.')
param graphThrottleAlertThreshold int = 100

@description('Prefix of every table the app creates (letters and digits, starting with a letter).')
param tablePrefix string = 'sync'

@description('NCRONTAB (6 fields, UTC) of the scheduler that starts due tenant syncs.')
param syncTimerSchedule string = '0 */5 * * * *'

@minValue(1)
@maxValue(100)
@description('Sync Now requests allowed per tenant per UTC day.')
param syncNowDailyLimit int = 4

// Node 20 reached end of life on 2026-04-30; Flex Consumption runs Node 22.
@allowed([
  '22'
])
@description('Node.js major version of the Function App.')
param nodeVersion string = '22'

@description('Origins allowed to call the API from a browser besides the portal (its Static Web App is always allowed). Empty: the portal only.')
param corsAllowedOrigins array = []

// Static Web Apps runs its control plane in a few regions only; the content is served globally.
@allowed([
  'westus2'
  'centralus'
  'eastus2'
  'westeurope'
  'eastasia'
])
@description('Region of the portal\'s Static Web App resource.')
param portalLocation string = 'westeurope'

// A browser client cannot keep a function key secret: with the portal deployed the bearer token is the API's gate.
@allowed([
  'anonymous'
  'function'
])
@description('Functions auth level of the API routes (API_AUTH_LEVEL): anonymous lets the portal call them with its Entra token only; function also requires a function key, which no browser client can hold.')
param apiAuthLevel string = 'anonymous'

@minValue(7)
@maxValue(90)
@description('Days a deleted vault or secret stays recoverable. Purge protection keeps it for this long.')
param keyVaultSoftDeleteRetentionInDays int = 90

@description('Override for the resource group name. Empty: rg-<environmentName>.')
param resourceGroupName string = ''

// azd maps AZURE_KEY_VAULT_NAME here (main.parameters.json), and this template
// outputs the name under that variable, so one environment keeps its vault
// across `azd up` runs. After `azd down` the vault is soft-deleted and, with
// purge protection, its name stays reserved for the retention period: set
// AZURE_KEY_VAULT_NAME to a new name before the next `azd up` (README, Deploy).
@maxLength(24)
@description('Key vault name (3 to 24 letters, digits and hyphens). Empty: kv-<resource token>.')
param keyVaultName string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

var effectiveApiTenantId = empty(apiTenantId) ? tenant().tenantId : apiTenantId
// In AzureCloud this is https://login.microsoftonline.com/; sovereign clouds get their own authority.
var loginEndpoint = environment().authentication.loginEndpoint
var loginBase = endsWith(loginEndpoint, '/') ? loginEndpoint : '${loginEndpoint}/'
var authority = '${loginBase}${effectiveApiTenantId}'
// v2.0 issuer: the API app registration must issue v2 access tokens (accessTokenAcceptedVersion: 2).
var apiIssuer = '${authority}/v2.0'
var apiJwksUri = '${authority}/discovery/v2.0/keys'

var functionAppName = 'func-api-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: !empty(keyVaultName) ? keyVaultName : 'kv-${resourceToken}'
    location: location
    tags: tags
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    actionGroupName: 'ag-${resourceToken}'
    location: location
    tags: tags
    alertEmail: alertEmail
  }
}

module appRoles 'modules/rbac.bicep' = {
  name: 'rbac-app'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module userRoles 'modules/rbac.bicep' = if (!empty(principalId)) {
  name: 'rbac-user'
  scope: rg
  params: {
    principalId: principalId
    principalType: principalType
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module portal 'modules/portal.bicep' = {
  name: 'portal'
  scope: rg
  params: {
    name: 'stapp-portal-${resourceToken}'
    location: portalLocation
    tags: tags
  }
}

module api 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    nodeVersion: nodeVersion
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    keyVaultUri: keyVault.outputs.uri
    apiAudience: apiAudience
    apiIssuer: apiIssuer
    apiJwksUri: apiJwksUri
    tablePrefix: tablePrefix
    syncTimerSchedule: syncTimerSchedule
    syncNowDailyLimit: syncNowDailyLimit
    // CORS allows the portal's origin (and any extra origins given), nothing else.
    corsAllowedOrigins: union([portal.outputs.uri], corsAllowedOrigins)
    apiAuthLevel: apiAuthLevel
  }
  // The host reaches storage with the identity on its first start: grant the roles first.
  dependsOn: [
    appRoles
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    namePrefix: functionAppName
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    actionGroupId: monitoring.outputs.actionGroupId
    graphThrottleAlertThreshold: graphThrottleAlertThreshold
  }
}

module keyVaultEvents 'modules/keyvault-events.bicep' = {
  name: 'keyvault-events'
  scope: rg
  params: {
    systemTopicName: 'evgt-kv-${resourceToken}'
    location: location
    tags: tags
    keyVaultName: keyVault.outputs.name
    actionGroupId: monitoring.outputs.actionGroupId
  }
}

// Outputs land in .azure/<env>/.env (azd). AZURE_CLIENT_ID is deliberately not
// output: locally it would make the app try a managed identity that does not exist.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URL string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString
output API_AUDIENCE string = apiAudience
output API_ISSUER string = apiIssuer
output API_JWKS_URI string = apiJwksUri
output SERVICE_PORTAL_NAME string = portal.outputs.name
output PORTAL_URL string = portal.outputs.uri
