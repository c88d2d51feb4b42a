/**
 * Test fixture: built-in roles with their role definition GUIDs, copied by hand from
 * Microsoft's "Azure built-in roles" page (MicrosoftDocs/azure-docs
 * articles/role-based-access-control/built-in-roles.md, ms.date 04/09/2026, commit 00a5832) in
 * 2026-11. Until config/built-in-roles.json held Azure's full list, this curated subset WAS the
 * list `monitoring.roles` accepted: the Privileged, General and Monitor categories in full, and
 * the roles of Containers, Storage, Networking, Identity and Management and governance that
 * matter next to an AKS cluster.
 *
 * Kept as a second, independent source: the docs page on one side, Azure's roleDefinitions
 * API (through Azure/terraform-azure-avm-utl-roledefinitions) on the other. Every name and GUID
 * here must be in the data file, spelled the same (built-in-roles.spec.ts).
 */
export interface DocsRole {
  readonly name: string;
  readonly id: string;
  /** The heading of Microsoft's page the role is listed under. */
  readonly category: 'Privileged' | 'General' | 'Monitor' | 'Containers' | 'Storage' | 'Networking' | 'Identity' | 'Management and governance';
}

const role = (category: DocsRole['category']) => (name: string, id: string): DocsRole => ({ name, id, category });
const privileged = role('Privileged');
const general = role('General');
const monitor = role('Monitor');
const containers = role('Containers');
const storage = role('Storage');
const networking = role('Networking');
const identity = role('Identity');
const governance = role('Management and governance');

export const DOCS_ROLES: readonly DocsRole[] = [
  privileged('Contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c'),
  privileged('Owner', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'),
  privileged('Role Based Access Control Administrator', 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'),
  privileged('User Access Administrator', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9'),

  general('Reader', 'acdd72a7-3385-48ef-bd42-f606fba81ae7'),

  monitor('Application Insights Component Contributor', 'ae349356-3a1b-4a5e-921d-050484c6347e'),
  monitor('Application Insights Snapshot Debugger', '08954f03-6346-4c2e-81c0-ec3a5cfae23b'),
  monitor('Azure Managed Grafana Workspace Contributor', '5c2d7e57-b7c2-4d8a-be4f-82afa42c6e95'),
  monitor('Data Purger', '150f5e0c-0603-4f03-8c7f-cf70034c4e90'),
  monitor('Grafana Admin', '22926164-76b3-42b3-bc55-97df8dab3e41'),
  monitor('Grafana Editor', 'a79a5197-3a5c-4973-a920-486035ffd60f'),
  monitor('Grafana Limited Viewer', '41e04612-9dac-4699-a02b-c82ff2cc3fb5'),
  monitor('Grafana Viewer', '60921a7e-fef1-4a43-9b16-a26c52ad4769'),
  monitor('Log Analytics Contributor', '92aaf0da-9dab-42b6-94a3-d43ce8d16293'),
  monitor('Log Analytics Data Reader', '3b03c2da-16b3-4a49-8834-0f8130efdd3b'),
  monitor('Log Analytics Reader', '73c42c96-874c-492b-b04d-ab87d138a893'),
  monitor('Monitoring Contributor', '749f88d5-cbae-40b8-bcfc-e573ddc772fa'),
  monitor('Monitoring Metrics Publisher', '3913510d-42f4-4e42-8a64-420c390055eb'),
  monitor('Monitoring Policy Contributor', '47be4a87-7950-4631-9daf-b664a405f074'),
  monitor('Monitoring Reader', '43d0d8ad-25c7-4714-9337-8ba259a9fe05'),
  monitor('Service Health Security Reader', '1a928ab0-1fee-43cf-9266-f9d8c22a8ddb'),
  monitor('Workbook Contributor', 'e8ddcd69-c73f-4f9f-9844-4100522f16ad'),
  monitor('Workbook Reader', 'b279062a-9be3-42a0-92ae-8b3cf002ec4d'),

  containers('AcrDelete', 'c2f4ef07-c644-48eb-af81-4b1b4947fb11'),
  containers('AcrImageSigner', '6cef56e8-d556-48e5-a04f-b8e64114680f'),
  containers('AcrPull', '7f951dda-4ed3-4680-a7ca-43fe172d538d'),
  containers('AcrPush', '8311e382-0749-4cb8-b61a-304f252e45ec'),
  containers('AcrQuarantineReader', 'cdda3590-29a3-44f6-95f2-9f980659eb04'),
  containers('AcrQuarantineWriter', 'c8d4ff99-41c3-41a8-9f60-21dfdad59608'),
  containers('Azure Kubernetes Service Cluster Admin Role', '0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8'),
  containers('Azure Kubernetes Service Cluster Monitoring User', '1afdec4b-e479-420e-99e7-f82237c7c5e6'),
  containers('Azure Kubernetes Service Cluster User Role', '4abbcc35-e782-43d8-92c5-2d3f1bd2253f'),
  containers('Azure Kubernetes Service Contributor Role', 'ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8'),
  containers('Azure Kubernetes Service Namespace Contributor', '289d8817-ee69-43f1-a0af-43a45505b488'),
  containers('Azure Kubernetes Service Namespace User', 'c9f76ca8-b262-4b10-8ed2-09cf0948aa35'),
  containers('Azure Kubernetes Service RBAC Admin', '3498e952-d568-435e-9b2c-8d77e338d7f7'),
  containers('Azure Kubernetes Service RBAC Cluster Admin', 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b'),
  containers('Azure Kubernetes Service RBAC Reader', '7f6c6a51-bcf8-42ba-9220-52d62157d7db'),
  containers('Azure Kubernetes Service RBAC Writer', 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb'),
  containers('Container Registry Cache Rule Administrator', 'df87f177-bb12-4db1-9793-a413691eff94'),
  containers('Container Registry Cache Rule Reader', 'c357b964-0002-4b64-a50d-7a28f02edc52'),
  containers(
    'Container Registry Configuration Reader and Data Access Configuration Reader',
    '69b07be0-09bf-439a-b9a6-e73de851bd59',
  ),
  containers(
    'Container Registry Contributor and Data Access Configuration Administrator',
    '3bc748fc-213d-45c1-8d91-9da5725539b9',
  ),
  containers('Container Registry Credential Set Administrator', 'f094fb07-0703-4400-ad6a-e16dd8000e14'),
  containers('Container Registry Credential Set Reader', '29093635-9924-4f2c-913b-650a12949526'),
  containers('Container Registry Data Importer and Data Reader', '577a9874-89fd-4f24-9dbd-b5034d0ad23a'),
  containers('Container Registry Repository Catalog Lister', 'bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7'),
  containers('Container Registry Repository Contributor', '2efddaa5-3f1f-4df3-97df-af3f13818f4c'),
  containers('Container Registry Repository Reader', 'b93aa761-3e63-49ed-ac28-beffa264f7ac'),
  containers('Container Registry Repository Writer', '2a1e307c-b015-4ebd-883e-5b7698a07328'),
  containers('Container Registry Tasks Contributor', 'fb382eab-e894-4461-af04-94435c366c3f'),
  containers('Container Registry Transfer Pipeline Contributor', 'bf94e731-3a51-4a7c-8c54-a1ab9971dfc1'),
  containers('Kubernetes Extension Contributor', '85cb6faf-e071-4c9b-8136-154b5a04f717'),

  storage('Reader and Data Access', 'c12c1c16-33a1-487b-954d-41c89c60f349'),
  storage('Storage Account Contributor', '17d1049b-9a84-46fb-8f53-869881c3d3ab'),
  storage('Storage Account Key Operator Service Role', '81a9662b-bebf-436f-a333-f67b29880f12'),
  storage('Storage Blob Data Contributor', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'),
  storage('Storage Blob Data Owner', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'),
  storage('Storage Blob Data Reader', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'),
  storage('Storage Blob Delegator', 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'),
  storage('Storage File Data Privileged Contributor', '69566ab7-960f-475b-8e7c-b3118f30c6bd'),
  storage('Storage File Data Privileged Reader', 'b8eda974-7b85-4f76-af95-65846b26df6d'),
  storage('Storage File Data SMB Share Contributor', '0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb'),
  storage('Storage File Data SMB Share Elevated Contributor', 'a7264617-510b-434b-a828-9731dc254ea7'),
  storage('Storage File Data SMB Share Reader', 'aba4ae5f-2193-4029-9191-0cb91df5e314'),
  storage('Storage Queue Data Contributor', '974c5e8b-45b9-4653-ba55-5f855dd0fb88'),
  storage('Storage Queue Data Message Processor', '8a0f0c08-91a1-4084-bc3d-661d67233fed'),
  storage('Storage Queue Data Message Sender', 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'),
  storage('Storage Queue Data Reader', '19e7f393-937e-4f77-808e-94535e297925'),
  storage('Storage Table Data Contributor', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'),
  storage('Storage Table Data Reader', '76199698-9eea-4c19-bc75-cec21354c6b6'),

  networking('DNS Zone Contributor', 'befefa01-2a29-4197-83a8-272ff33ce314'),
  networking('Network Contributor', '4d97b98b-1d4f-4787-a291-c67834d212e7'),
  networking('Private DNS Zone Contributor', 'b12aa53e-6015-4669-85d0-8515ebb3ae7f'),

  identity('Managed Identity Contributor', 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59'),
  identity('Managed Identity Operator', 'f1a07417-d97a-45cb-824c-7a7467783830'),

  governance('Resource Policy Contributor', '36243c78-bf99-498c-9df9-86d9f8d28608'),
];
