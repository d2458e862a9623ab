/** Word lists for generated directory content. */

export const FIRST_NAMES = [
  "Adele", "Alex", "Allan", "Bianca", "Brian", "Carlos", "Chen", "Christie", "Debra", "Diego",
  "Elena", "Emily", "Enrico", "Fatima", "Grady", "Hana", "Henrietta", "Irvin", "Isaiah", "Johanna",
  "Joni", "Jun", "Kenji", "Lee", "Lidia", "Lynne", "Maria", "Megan", "Miriam", "Nestor",
  "Noah", "Olga", "Patti", "Pradeep", "Raul", "Sakura", "Samira", "Sven", "Tomas", "Yusuf",
] as const;

export const LAST_NAMES = [
  "Vance", "Wilber", "Deyoung", "Pia", "Johnson", "Alvarez", "Wei", "Cline", "Berger", "Soto",
  "Petrova", "Braun", "Rossi", "Haddad", "Archie", "Kim", "Gerhart", "Sink", "Okafor", "Lauer",
  "Sherman", "Tanaka", "Watanabe", "Gu", "Holloway", "Valentine", "Garcia", "Bowen", "Graham", "Motsinger",
  "Nakamura", "Ivanova", "Fernandez", "Kumar", "Lopez", "Sato", "Rahman", "Larsen", "Novak", "Demir",
] as const;

export const DEPARTMENTS = [
  "Sales", "Marketing", "Finance", "Human Resources", "Engineering", "IT", "Legal", "Operations",
  "Customer Success", "Research", "Procurement", "Facilities",
] as const;

export const JOB_TITLES = [
  "Account Manager", "Marketing Specialist", "Financial Analyst", "HR Generalist", "Software Engineer",
  "Senior Software Engineer", "IT Administrator", "Paralegal", "Operations Manager", "Support Engineer",
  "Research Scientist", "Buyer", "Director", "Vice President", "Intern", "Product Manager",
  "Data Analyst", "Security Engineer", "Office Manager", "Consultant",
] as const;

export const COMPANIES = ["Contoso", "Contoso Retail", "Contoso Labs", "Fabrikam Services"] as const;

/** Country, city, usage location (ISO 3166 alpha-2). */
export const PLACES: ReadonlyArray<readonly [string, string, string]> = [
  ["United States", "Seattle", "US"],
  ["United States", "New York", "US"],
  ["United States", "Austin", "US"],
  ["Canada", "Toronto", "CA"],
  ["United Kingdom", "London", "GB"],
  ["Germany", "Berlin", "DE"],
  ["France", "Paris", "FR"],
  ["Netherlands", "Amsterdam", "NL"],
  ["India", "Bengaluru", "IN"],
  ["Japan", "Tokyo", "JP"],
  ["Australia", "Sydney", "AU"],
  ["Brazil", "São Paulo", "BR"],
];

export const GUEST_DOMAINS = ["fabrikam.com", "northwindtraders.com", "adatum.com", "gmail.com", "outlook.com"] as const;

export const GROUP_TOPICS = [
  "Finance", "Sales", "Marketing", "Engineering", "Helpdesk", "Project Falcon", "Project Orion",
  "Leadership", "All Staff", "VPN Users", "Contractors", "Retail", "Legal", "Design", "Data Platform",
  "Security Champions", "Office EMEA", "Office APAC", "Office Americas", "Mobile Devices",
] as const;

export const APP_NAMES = [
  "Expense Portal", "HR Connector", "Build Pipeline", "CRM Sync", "Payroll Bridge", "Wiki Bot",
  "Ticketing Integration", "Backup Agent", "Analytics Exporter", "Mobile App", "Partner API",
  "Inventory Service", "Survey Tool", "Billing Worker", "Access Reviewer",
] as const;

export const FIRST_PARTY_APPS = [
  "Office 365 Exchange Online", "Office 365 SharePoint Online", "Microsoft Teams", "Microsoft Intune",
  "Azure Portal", "Microsoft Graph", "Power BI Service", "Windows Azure Service Management API",
] as const;
