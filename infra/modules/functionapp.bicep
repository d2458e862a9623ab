// Flex Consumption (FC1) plan and the Function App, running as the one
// user-assigned identity. Durable Functions uses the Azure Storage backend in
// the same account as the host, so:
//   - the `durable` trigger group has one always-ready instance (otherwise no
//     instance polls the task hub queues while the app is idle), and
//   - host.json sets durableTask.storageProvider.maxQueuePollingInterval <= 10 s.
// Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION
// and WEBSITE_NODE_DEFAULT_VERSION: the runtime comes from functionAppConfig.
param name string
param planName string
param location string
param tags object

@description('azd deploys the service whose azd-service-name tag matches azure.yaml.')
param serviceName string = 'api'

// Node 20 reached end of life on 2026-04-30; Flex Consumption runs Node 22
// (azure-docs articles/azure-functions/supported-languages.md, flex-consumption-plan.md).
@allowed([
  '22'
])
param nodeVersion string = '22'

param identityId string
param identityClientId string

param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param deploymentContainerName string

param applicationInsightsConnectionString string
param keyVaultUri string

param apiAudience string
param apiIssuer string
param apiJwksUri string

param tablePrefix string = 'sync'
param syncTimerSchedule string = '0 */5 * * * *'
param syncNowDailyLimit int = 4

param corsAllowedOrigins array = []

@allowed([
  'anonymous'
  'function'
])
param apiAuthLevel string = 'function'

// Flex Consumption instance sizes (azure-docs articles/azure-functions/flex-consumption-plan.md, "Instance memory").
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

// The lowest maximum instance count Flex Consumption accepts is 40, the highest
// 1,000 (azure-docs articles/azure-functions/flex-consumption-plan.md).
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: [
          {
            name: 'durable'
            instanceCount: 1
          }
        ]
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// The complete app settings set (this resource replaces whatever was there).
// Each name is a variable src/config/config.ts reads, or one the Functions
// host / Durable extension reads. Local-runtime-only variables
// (SERVICE_TENANT_ID, SERVICE_CLIENT_SECRET, SERVICE_AUTHORITY_HOST,
// CLOUD_AUTHORITY_HOST_OVERRIDE, CLOUD_GRAPH_BASE_URL_OVERRIDE) and the keyed
// AzureWebJobsStorage connection string are deliberately absent.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // Host storage and Durable task hub, identity-based.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
    AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
    AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
    // Telemetry, Entra-authenticated (Application Insights has local auth off).
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // App identity for Key Vault and Tables (ManagedIdentityCredential client ID).
    AZURE_CLIENT_ID: identityClientId
    KEY_VAULT_URL: keyVaultUri
    // Portal API token validation.
    API_AUDIENCE: apiAudience
    API_ISSUER: apiIssuer
    API_JWKS_URI: apiJwksUri
    // Behaviour.
    TABLE_PREFIX: tablePrefix
    SYNC_TIMER_SCHEDULE: syncTimerSchedule
    SYNC_NOW_DAILY_LIMIT: string(syncNowDailyLimit)
    API_AUTH_LEVEL: apiAuthLevel
    // The Node worker's heap: half the instance, which is what V8 sizes from
    // a machine of that memory (v8 src/heap/heap.cc, HeapSizeFromPhysicalMemory:
    // a quarter times 2 on 64-bit), set here so it is never sized from a
    // machine larger than the instance. The bench measures with it (README,
    // "Memory and size"). Worker arguments: functions-reference-node.md.
    languageWorkers__node__arguments: '--max-old-space-size=${instanceMemoryMB / 2}'
  }
}

// Deployments go through Entra ID (azd, OneDeploy); no basic-auth publishing.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

output id string = site.id
output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
