// The admin portal: static files on Azure Static Web Apps (Free). The SPA calls
// the Function App's API cross-origin with an Entra token; the Function App's
// CORS allows this site's origin only (main.bicep).
param name string
param location string
param tags object = {}
param serviceName string = 'portal'

resource site 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  // azd deploys the `portal` service of azure.yaml to the site carrying this tag.
  tags: union(tags, { 'azd-service-name': serviceName })
  sku: {
    name: 'Free'
    tier: 'Free'
  }
  properties: {
    // Deployed by azd (a deployment token), not from a repository.
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output name string = site.name
output defaultHostname string = site.properties.defaultHostname
output uri string = 'https://${site.properties.defaultHostname}'
