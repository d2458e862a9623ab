// Holds the customers' client secrets. A table entity stores only the secret's
// name and expiry; the secret's `exp` attribute drives the Event Grid
// near-expiry events (modules/keyvault-events.bicep).
// Access is Azure RBAC only (no access policies). Purge protection cannot be
// turned off again, and a deleted vault keeps its name reserved for
// softDeleteRetentionInDays: `azd down --purge` cannot purge it.
param name string
param location string
param tags object

@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

output id string = vault.id
output name string = vault.name
// https://<name>.vault.azure.net/ (trailing slash; the app strips it).
output uri string = vault.properties.vaultUri
