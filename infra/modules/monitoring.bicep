// Log Analytics workspace, workspace-based Application Insights with local
// (instrumentation key) auth disabled, and the action group every alert uses.
// With DisableLocalAuth the host must send telemetry with Entra ID: the app
// setting APPLICATIONINSIGHTS_AUTHENTICATION_STRING names the identity, which
// holds Monitoring Metrics Publisher on this component (modules/rbac.bicep).
param logAnalyticsName string
param applicationInsightsName string
param actionGroupName string
param location string
param tags object

@description('E-mail receiver of the action group. Empty: no receiver.')
param alertEmail string = ''

@minValue(30)
param retentionInDays int = 30

var emailReceivers = [
  {
    name: 'operators'
    emailAddress: alertEmail
    useCommonAlertSchema: true
  }
]

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    enabled: true
    groupShortName: 'entrasync'
    emailReceivers: empty(alertEmail) ? [] : emailReceivers
  }
}

output logAnalyticsId string = logAnalytics.id
output applicationInsightsId string = applicationInsights.id
output applicationInsightsName string = applicationInsights.name
// Not a secret: with local auth disabled it cannot ingest without an Entra token.
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString
output actionGroupId string = actionGroup.id
