// Key Vault secret lifecycle -> Azure Monitor alerts, through an Event Grid
// system topic on the vault. The app writes each customer secret with `exp`
// set to the credential's expiry, so Key Vault itself raises
// Microsoft.KeyVault.SecretNearExpiry (30 days before exp) and
// Microsoft.KeyVault.SecretExpired (at exp). This covers the entered expiry
// even when the daily check (alerts.bicep) does not run.
// A MonitorAlert destination accepts only the CloudEvents 1.0 schema.
param systemTopicName string
param location string
param tags object
param keyVaultName string
param actionGroupId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource vaultTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  properties: {
    source: vault.id
    topicType: 'Microsoft.KeyVault.vaults'
  }
}

resource secretNearExpiry 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: vaultTopic
  name: 'secret-near-expiry'
  properties: {
    eventDeliverySchema: 'CloudEventSchemaV1_0'
    filter: {
      includedEventTypes: [
        'Microsoft.KeyVault.SecretNearExpiry'
      ]
    }
    destination: {
      endpointType: 'MonitorAlert'
      properties: {
        severity: 'Sev3'
        description: 'A customer client secret in Key Vault ${keyVaultName} expires within 30 days (the subject names the secret).'
        actionGroups: [
          actionGroupId
        ]
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

resource secretExpired 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: vaultTopic
  name: 'secret-expired'
  properties: {
    eventDeliverySchema: 'CloudEventSchemaV1_0'
    filter: {
      includedEventTypes: [
        'Microsoft.KeyVault.SecretExpired'
      ]
    }
    destination: {
      endpointType: 'MonitorAlert'
      properties: {
        severity: 'Sev1'
        description: 'A customer client secret in Key Vault ${keyVaultName} has expired (the subject names the secret).'
        actionGroups: [
          actionGroupId
        ]
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output systemTopicId string = vaultTopic.id
