/**
 * The parts of the Azure SDK for JavaScript `verify --azure` uses, and the one file that names
 * its packages (pinned exactly in package.json, releases whose `engines` accept Node 20).
 * scripts/run.cjs bundles this file into .build/azure-sdk.js, loaded only with --azure, so a
 * run without it, and synth, never parse the SDK.
 */
export { DefaultAzureCredential } from '@azure/identity';
export type { AccessToken, TokenCredential } from '@azure/core-auth';
export type { PipelinePolicy } from '@azure/core-rest-pipeline';
export { RestError } from '@azure/core-rest-pipeline';
export { ContainerServiceClient } from '@azure/arm-containerservice';
export { MonitorClient } from '@azure/arm-monitor';
export { NetworkManagementClient } from '@azure/arm-network';
export { AuthorizationManagementClient } from '@azure/arm-authorization';
export { PolicyClient } from '@azure/arm-policy';
export { PolicyInsightsClient } from '@azure/arm-policyinsights';
export { ResourceManagementClient } from '@azure/arm-resources';
export { BlobServiceClient, newPipeline, type RequestPolicyFactory } from '@azure/storage-blob';
export { LogsQueryClient, LogsQueryResultStatus } from '@azure/monitor-query-logs';
