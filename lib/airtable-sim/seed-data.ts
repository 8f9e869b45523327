/**
 * Vocabulary for the demo enterprise: names, departments, titles, group names. Plain data so
 * `seed.ts` stays about the shape of the company, not its word lists. Domains use the reserved
 * `.example` TLD (RFC 2606) so a demo can never email a real company.
 */

export const DEMO_COMPANY_DOMAIN = 'northwind.example';
export const DEMO_EXTERNAL_DOMAINS = ['contractors-partner.example', 'agency-studio.example', 'freelance-mail.example'] as const;

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Lisa',
  'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Margaret', 'Donald', 'Ashley', 'Steven',
  'Kimberly', 'Andrew', 'Emily', 'Paul', 'Donna', 'Joshua', 'Michelle', 'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian',
  'Melissa', 'George', 'Deborah', 'Timothy', 'Stephanie', 'Ronald', 'Rebecca', 'Jason', 'Sharon', 'Edward', 'Laura',
  'Jeffrey', 'Cynthia', 'Ryan', 'Dorothy', 'Jacob', 'Amy', 'Nicholas', 'Kathleen', 'Gary', 'Angela', 'Eric', 'Shirley',
  'Jonathan', 'Emma', 'Stephen', 'Brenda', 'Larry', 'Pamela', 'Justin', 'Nicole', 'Scott', 'Anna', 'Brandon', 'Samantha',
  'Benjamin', 'Katherine', 'Samuel', 'Christine', 'Gregory', 'Debra', 'Alexander', 'Rachel', 'Patrick', 'Carolyn',
  'Frank', 'Janet', 'Raymond', 'Maria', 'Jack', 'Olivia', 'Dennis', 'Heather', 'Jerry', 'Helen', 'Tyler', 'Catherine',
  'Aaron', 'Diane', 'Jose', 'Julie', 'Adam', 'Victoria', 'Nathan', 'Joyce', 'Henry', 'Lauren', 'Zachary', 'Kelly',
  'Douglas', 'Christina', 'Peter', 'Ruth', 'Kyle', 'Joan', 'Noah', 'Virginia', 'Ethan', 'Judith', 'Jeremy', 'Evelyn',
  'Christian', 'Hannah', 'Walter', 'Andrea', 'Keith', 'Megan', 'Austin', 'Cheryl', 'Roger', 'Jacqueline', 'Terry',
  'Madison', 'Sean', 'Teresa', 'Gerald', 'Abigail', 'Carl', 'Sophia', 'Dylan', 'Martha', 'Harold', 'Sara', 'Jordan',
  'Gloria', 'Jesse', 'Janice', 'Bryan', 'Kathryn', 'Lawrence', 'Ann', 'Arthur', 'Isabella', 'Gabriel', 'Judy', 'Bruce',
  'Charlotte', 'Logan', 'Julia', 'Billy', 'Grace', 'Joe', 'Amber', 'Alan', 'Alice', 'Juan', 'Jean', 'Elijah', 'Denise',
  'Willie', 'Frances', 'Albert', 'Danielle', 'Wayne', 'Marilyn', 'Randy', 'Natalie', 'Mason', 'Beverly', 'Vincent',
  'Diana', 'Liam', 'Brittany', 'Roy', 'Theresa', 'Bobby', 'Kayla', 'Caleb', 'Alexis', 'Bradley', 'Doris', 'Russell',
  'Lori', 'Lucas', 'Tiffany', 'Priya', 'Arjun', 'Wei', 'Mei', 'Hiroshi', 'Yuki', 'Sofia', 'Mateo', 'Fatima', 'Omar',
  'Aisha', 'Kwame', 'Amara', 'Lars', 'Ingrid', 'Pierre', 'Chloe', 'Luca', 'Giulia', 'Diego', 'Camila', 'Sven', 'Freya',
  'Ravi', 'Ananya', 'Chen', 'Lin', 'Jin', 'Min-jun', 'Seo-yeon', 'Dmitri', 'Olga', 'Tomasz', 'Zofia', 'Kofi', 'Nia',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson',
  'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright',
  'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell',
  'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards',
  'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan',
  'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson', 'Watson',
  'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes', 'Price', 'Alvarez', 'Castillo',
  'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez', 'Powell', 'Jenkins', 'Perry', 'Russell', 'Sullivan',
  'Bell', 'Coleman', 'Butler', 'Henderson', 'Barnes', 'Gonzales', 'Fisher', 'Vasquez', 'Simmons', 'Romero', 'Jordan',
  'Patterson', 'Alexander', 'Hamilton', 'Graham', 'Reynolds', 'Griffin', 'Wallace', 'Moreno', 'West', 'Cole', 'Hayes',
  'Bryant', 'Herrera', 'Gibson', 'Ellis', 'Tran', 'Medina', 'Aguilar', 'Stevens', 'Murray', 'Ford', 'Castro', 'Marshall',
  'Owens', 'Harrison', 'Fernandez', 'McDonald', 'Woods', 'Washington', 'Kennedy', 'Wells', 'Vargas', 'Henry', 'Chen',
  "O'Brien", 'Freeman', 'Webb', 'Tucker', 'Guzman', 'Burns', 'Crawford', 'Olson', 'Simpson', 'Porter', 'Hunter', 'Gordon',
  'Mendez', 'Silva', 'Shaw', 'Snyder', 'Mason', 'Dixon', 'Munoz', 'Hunt', 'Hicks', 'Holmes', 'Palmer', 'Wagner', 'Black',
  'Robertson', 'Boyd', 'Rose', 'Stone', 'Salazar', 'Fox', 'Warren', 'Mills', 'Meyer', 'Rice', 'Schmidt', 'Garza',
  'Daniels', 'Ferguson', 'Nichols', 'Stephens', 'Soto', 'Weaver', 'Ryan', 'Gardner', 'Payne', 'Grant', 'Dunn', 'Kumar',
  'Singh', 'Sharma', 'Wang', 'Zhang', 'Liu', 'Yamamoto', 'Tanaka', 'Sato', 'Park', 'Choi', 'Nakamura', 'Okafor',
  'Mensah', 'Haddad', 'Khan', 'Ali', 'Rossi', 'Bianchi', 'Muller', 'Schneider', 'Fischer', 'Dubois', 'Laurent',
  'Johansson', 'Nielsen', 'Kowalski', 'Nowak', 'Ivanov', 'Novak', 'Costa', 'Santos', 'Oliveira', 'Van der Berg',
] as const;

export type DepartmentSpec = {
  name: string;
  weight: number;
  division: string;
  costCenters: readonly string[];
  head: string;
  managerTitles: readonly string[];
  icTitles: readonly string[];
  teams: readonly string[];
};

const PT = 'Product & Technology';
const GTM = 'Go-To-Market';
const GA = 'General & Administrative';

export const DEPARTMENTS: readonly DepartmentSpec[] = [
  {
    name: 'Engineering', weight: 24, division: PT, costCenters: ['CC-1010', 'CC-1011', 'CC-1012'], head: 'Chief Technology Officer',
    managerTitles: ['Engineering Manager', 'Senior Engineering Manager', 'Director of Engineering'],
    icTitles: ['Software Engineer', 'Senior Software Engineer', 'Staff Software Engineer', 'Site Reliability Engineer', 'QA Engineer', 'Data Engineer', 'Security Engineer'],
    teams: ['Platform', 'Mobile', 'Data', 'Security'],
  },
  {
    name: 'Product', weight: 7, division: PT, costCenters: ['CC-1020'], head: 'VP of Product',
    managerTitles: ['Group Product Manager', 'Director of Product'],
    icTitles: ['Product Manager', 'Senior Product Manager', 'Technical Program Manager', 'Product Analyst'],
    teams: ['Growth', 'Core'],
  },
  {
    name: 'Design', weight: 5, division: PT, costCenters: ['CC-1030'], head: 'VP of Design',
    managerTitles: ['Design Manager'],
    icTitles: ['Product Designer', 'Senior Product Designer', 'UX Researcher', 'Content Designer'],
    teams: ['Research'],
  },
  {
    name: 'Sales', weight: 18, division: GTM, costCenters: ['CC-2010', 'CC-2011', 'CC-2012'], head: 'Chief Revenue Officer',
    managerTitles: ['Sales Manager', 'Regional Sales Director'],
    icTitles: ['Account Executive', 'Senior Account Executive', 'Sales Development Representative', 'Solutions Engineer', 'Sales Operations Analyst'],
    teams: ['NA', 'EMEA', 'APAC'],
  },
  {
    name: 'Marketing', weight: 8, division: GTM, costCenters: ['CC-2020'], head: 'Chief Marketing Officer',
    managerTitles: ['Marketing Manager', 'Director of Marketing'],
    icTitles: ['Marketing Specialist', 'Content Marketing Manager', 'Product Marketing Manager', 'Demand Generation Manager', 'Brand Designer'],
    teams: ['Brand', 'Demand Gen'],
  },
  {
    name: 'Support', weight: 12, division: GTM, costCenters: ['CC-2030'], head: 'VP of Customer Support',
    managerTitles: ['Support Manager', 'Support Team Lead'],
    icTitles: ['Support Specialist', 'Senior Support Specialist', 'Technical Support Engineer', 'Customer Success Manager'],
    teams: ['Tier 1', 'Tier 2'],
  },
  {
    name: 'Finance', weight: 6, division: GA, costCenters: ['CC-3010'], head: 'Chief Financial Officer',
    managerTitles: ['Controller', 'Finance Manager'],
    icTitles: ['Accountant', 'Senior Accountant', 'Financial Analyst', 'Payroll Specialist', 'AP Specialist'],
    teams: ['AP', 'AR', 'FP&A'],
  },
  {
    name: 'HR', weight: 5, division: GA, costCenters: ['CC-3020'], head: 'Chief People Officer',
    managerTitles: ['HR Manager', 'Recruiting Manager'],
    icTitles: ['HR Business Partner', 'Recruiter', 'People Operations Specialist', 'Benefits Specialist'],
    teams: ['Recruiting', 'People Ops'],
  },
  {
    name: 'Legal', weight: 3, division: GA, costCenters: ['CC-3030'], head: 'General Counsel',
    managerTitles: ['Legal Manager'],
    icTitles: ['Corporate Counsel', 'Paralegal', 'Compliance Analyst', 'Privacy Counsel'],
    teams: ['Contracts'],
  },
  {
    name: 'Operations', weight: 8, division: GA, costCenters: ['CC-3040', 'CC-3041'], head: 'Chief Operating Officer',
    managerTitles: ['Operations Manager', 'IT Manager'],
    icTitles: ['Operations Analyst', 'IT Support Specialist', 'Systems Administrator', 'Business Operations Associate', 'Facilities Coordinator'],
    teams: ['IT', 'Facilities', 'BizOps'],
  },
];

export const EXECUTIVE = { department: 'Executive', division: GA, costCenter: 'CC-0001', title: 'Chief Executive Officer' } as const;

/** Legal entities (the enterprise extension `organization`), with their share of employees and an "Everyone" group name. */
export const ORGANIZATIONS = [
  { name: 'Northwind Inc.', weight: 70, group: 'Everyone - US' },
  { name: 'Northwind Ltd.', weight: 18, group: 'Everyone - UK' },
  { name: 'Northwind GmbH', weight: 12, group: 'Everyone - DE' },
] as const;

export const PROJECT_CODENAMES = [
  'Falcon', 'Aurora', 'Atlas', 'Phoenix', 'Orion', 'Nebula', 'Titan', 'Zephyr', 'Horizon', 'Summit', 'Apollo', 'Vega',
  'Polaris', 'Mercury', 'Neptune', 'Cascade', 'Everest', 'Lighthouse', 'Compass', 'Keystone', 'Beacon', 'Catalyst',
  'Quantum', 'Redwood', 'Sequoia', 'Sierra', 'Tundra', 'Meridian', 'Obsidian', 'Onyx', 'Cobalt', 'Indigo', 'Jade',
  'Lotus', 'Maple', 'Nova', 'Pegasus', 'Raven', 'Sparrow', 'Starlight', 'Thunderbird', 'Voyager', 'Wildfire', 'Yukon',
  'Andromeda', 'Borealis', 'Comet', 'Delta', 'Ember', 'Frontier', 'Glacier', 'Harbor', 'Ironwood', 'Juniper', 'Kestrel',
  'Lynx', 'Monarch', 'Nimbus', 'Osprey', 'Pinnacle', 'Quartz', 'Riverbend', 'Saffron', 'Tidewater', 'Umbra', 'Vanguard',
] as const;

export const WORKSPACE_TOPICS = [
  'Q1 Planning', 'Q2 Planning', 'Q3 Planning', 'Q4 Planning', 'Content Calendar', 'Hiring Pipeline', 'Vendor Management',
  'Product Roadmap', 'Bug Triage', 'Customer Feedback', 'Event Planning', 'OKRs', 'Budget Tracking', 'Asset Library',
  'Sales Pipeline', 'Partner Program', 'Launch Tracker', 'Onboarding', 'Incident Review', 'Research Repository',
  'Brand Assets', 'Procurement', 'Contract Renewals', 'Board Reporting', 'Office Moves', 'Localization', 'Pricing',
  'Competitive Intel', 'Webinars', 'Release Notes',
] as const;
