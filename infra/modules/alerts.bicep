// Log search alert rules over the app's structured events in Application
// Insights `traces`. The event names and the expiry thresholds come from
// ../events.json, the same file src/monitoring/events.ts reads, so code and
// queries cannot drift. Wire format (see src/monitoring/events.ts): the trace
// message is `<event name> <JSON fields>`.
param namePrefix string
param location string
param tags object
param applicationInsightsId string
param actionGroupId string

@minValue(1)
@description('Graph 429 responses summed over 15 minutes above which the throttling alert fires.')
param graphThrottleAlertThreshold int = 100

var events = loadJsonContent('../events.json')
var warningDays = events.credentialExpiryDays.warning
var criticalDays = events.credentialExpiryDays.critical

// Latest credential-expiry event per credential profile (the check runs daily;
// the 2-day lookback rides over a late run).
var credentialLatest = join(
  [
    'traces'
    '| where message startswith "${events.credentialExpiry} "'
    '| extend e = parse_json(substring(message, strlen("${events.credentialExpiry} ")))'
    '| extend credentialId = tostring(e.credentialId), clientId = tostring(e.clientId), tenantIds = tostring(e.tenantIds), daysLeft = toint(e.daysLeft), source = tostring(e.source), mismatch = tobool(e.mismatch)'
    '| where isnotempty(credentialId) and isnotnull(daysLeft)'
    '| summarize arg_max(timestamp, clientId, tenantIds, daysLeft, source, mismatch) by credentialId'
  ],
  '\n'
)

var credentialWarningQuery = '${credentialLatest}\n| where daysLeft > ${criticalDays} and daysLeft <= ${warningDays}'
var credentialCriticalQuery = '${credentialLatest}\n| where daysLeft >= 0 and daysLeft <= ${criticalDays}'
var credentialExpiredQuery = '${credentialLatest}\n| where daysLeft < 0'

// Tenants whose three most recent finished (non-preview) runs all failed.
var tenantFailingQuery = join(
  [
    'traces'
    '| where message startswith "${events.syncRun} "'
    '| extend e = parse_json(substring(message, strlen("${events.syncRun} ")))'
    '| extend tenantId = tostring(e.tenantId), runId = tostring(e.runId), runType = tostring(e["type"]), status = tostring(e.status)'
    '| where isnotempty(tenantId) and runType != "preview" and status in ("succeeded", "partial", "failed")'
    '| summarize arg_max(timestamp, status) by tenantId, runId'
    '| sort by tenantId asc, timestamp desc'
    '| extend rn = row_number(1, prev(tenantId) != tenantId)'
    '| where rn <= 3'
    '| summarize runs = count(), failed = countif(status == "failed"), lastRun = max(timestamp) by tenantId'
    '| where runs == 3 and failed == 3'
  ],
  '\n'
)

// Graph 429 responses, all tenants together (the per-app budget is shared).
var graphThrottledQuery = join(
  [
    'traces'
    '| where message startswith "${events.graphThrottled} "'
    '| extend e = parse_json(substring(message, strlen("${events.graphThrottled} ")))'
    '| summarize throttled = sum(toint(e["count"])), tenants = dcount(tostring(e.tenantId))'
  ],
  '\n'
)

var credentialDimensions = [
  {
    name: 'credentialId'
    operator: 'Include'
    values: ['*']
  }
  {
    name: 'clientId'
    operator: 'Include'
    values: ['*']
  }
]

resource credentialWarning 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-credential-expires-30d'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Client secret expires within ${warningDays} days'
    description: 'A customer credential profile has more than ${criticalDays} and at most ${warningDays} days left (${events.credentialExpiry}). Rotate the secret in the customer tenant and update the profile.'
    severity: 3
    enabled: true
    scopes: [applicationInsightsId]
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    overrideQueryTimeRange: 'P2D'
    criteria: {
      allOf: [
        {
          query: credentialWarningQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: credentialDimensions
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroupId]
    }
  }
}

resource credentialCritical 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-credential-expires-7d'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Client secret expires within ${criticalDays} days'
    description: 'A customer credential profile has at most ${criticalDays} days left (${events.credentialExpiry}). Syncs of its tenants stop when it expires.'
    severity: 2
    enabled: true
    scopes: [applicationInsightsId]
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    overrideQueryTimeRange: 'P2D'
    criteria: {
      allOf: [
        {
          query: credentialCriticalQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: credentialDimensions
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroupId]
    }
  }
}

resource credentialExpired 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-credential-expired'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Client secret expired'
    description: 'A customer credential profile is past its expiry (${events.credentialExpiry}). Syncs of its tenants fail until the secret is replaced.'
    severity: 1
    enabled: true
    scopes: [applicationInsightsId]
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    overrideQueryTimeRange: 'P2D'
    criteria: {
      allOf: [
        {
          query: credentialExpiredQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: credentialDimensions
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroupId]
    }
  }
}

resource tenantFailing 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-tenant-last-3-runs-failed'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Tenant sync failed 3 times in a row'
    description: 'The last 3 finished sync runs of a tenant failed (${events.syncRun}). Check the tenant\'s history and its credential.'
    severity: 2
    enabled: true
    scopes: [applicationInsightsId]
    evaluationFrequency: 'PT15M'
    windowSize: 'P1D'
    overrideQueryTimeRange: 'P2D'
    criteria: {
      allOf: [
        {
          query: tenantFailingQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [
            {
              name: 'tenantId'
              operator: 'Include'
              values: ['*']
            }
          ]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroupId]
    }
  }
}

resource graphThrottled 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-graph-throttling'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Microsoft Graph throttling above ${graphThrottleAlertThreshold} per 15 minutes'
    description: 'Graph answered 429 more than ${graphThrottleAlertThreshold} times in 15 minutes (${events.graphThrottled}). Syncs slow down; the per-app budget is shared by all tenants.'
    severity: 3
    enabled: true
    scopes: [applicationInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: graphThrottledQuery
          metricMeasureColumn: 'throttled'
          timeAggregation: 'Total'
          operator: 'GreaterThan'
          threshold: graphThrottleAlertThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroupId]
    }
  }
}

output ruleIds array = [
  credentialWarning.id
  credentialCritical.id
  credentialExpired.id
  tenantFailing.id
  graphThrottled.id
]
