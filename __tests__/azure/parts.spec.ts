/** The pure parts of verify --azure: day prefixes, scopes, the deployed allow-list's sources, and where the SDK may be imported. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { credentialsTried } from '../../verify/azure/api';
import { age, dayPrefixes, scopeCovers } from '../../verify/azure/check';
import { AllowlistSourceError, allowlistFromOutputsFile, allowlistFromState } from '../../verify/azure/deployed-allowlist';
import { flowLogBlobBases, trafficAnalyticsQuery } from '../../verify/azure/checks/flow-logs-arriving';

const ROOT = join(__dirname, '..', '..');

describe('verify --azure parts', () => {
  test('dayPrefixes: every UTC day the window touches, also across midnight and month ends', () => {
    expect(dayPrefixes(Date.parse('2026-12-04T08:30:00Z'), Date.parse('2026-12-04T10:30:00Z'))).toEqual(['y=2026/m=12/d=04/']);
    expect(dayPrefixes(Date.parse('2026-11-30T23:10:00Z'), Date.parse('2026-12-01T01:10:00Z'))).toEqual(['y=2026/m=11/d=30/', 'y=2026/m=12/d=01/']);
  });

  test('credentialsTried: why each credential failed, one clause each, without the links and advice around it', () => {
    // What DefaultAzureCredential threw on this machine (no az, no identity endpoint): @azure/identity
    // joins its credentials' errors line by line (errors.js, AggregateAuthenticationError).
    const unavailable = [
      'ChainedTokenCredential authentication failed.',
      'CredentialUnavailableError: EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.',
      'CredentialUnavailableError: ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error for details',
      "CredentialUnavailableError: Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
      'CredentialUnavailableError: Error: Unable to execute PowerShell. Ensure that it is installed in your system. To troubleshoot, visit https://aka.ms/azsdk/js/identity/powershellcredential/troubleshoot.',
    ].join('\n');
    expect(credentialsTried(unavailable)).toBe(
      'EnvironmentCredential is unavailable; ManagedIdentityCredential: Network unreachable; Azure CLI could not be found; Unable to execute PowerShell',
    );
    // Entra ID's refusal keeps its AADSTS code, which is what to search for.
    expect(credentialsTried('ClientAssertionCredential authentication failed. See the troubleshooting guide. AADSTS700016: Application not found in the directory.')).toBe(
      'ClientAssertionCredential authentication failed. AADSTS700016: Application not found in the directory',
    );
  });

  test('age reads in minutes, then hours', () => {
    expect(age(0, 4 * 60_000)).toBe('4 min ago');
    expect(age(0, 170 * 60_000)).toBe('2 h 50 min ago');
  });

  test('scopeCovers: the scope itself and its parents (management groups too), not its children nor a name that merely starts alike', () => {
    const registry = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr';
    expect(scopeCovers(registry, registry)).toBe(true);
    expect(scopeCovers('/subscriptions/S/resourceGroups/RG', registry)).toBe(true);
    expect(scopeCovers('/subscriptions/s/resourceGroups/rg2', registry)).toBe(false);
    expect(scopeCovers(`${registry}/scopeMaps/x`, registry)).toBe(false);
    expect(scopeCovers('/subscriptions/s/resourceGroups/r', registry)).toBe(false);
    // A management group's path is not a prefix of the subscriptions below it.
    expect(scopeCovers('/providers/Microsoft.Management/managementGroups/platform', registry)).toBe(true);
  });

  test('flow-log blob prefixes in both documented layouts, upper case after the key', () => {
    expect(flowLogBlobBases('sub', 'NetworkWatcherRG', 'NetworkWatcher_eastus', 'hub-vnet-flowlog')).toEqual([
      'flowLogResourceID=/SUBSCRIPTIONS/SUB/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS/FLOWLOGS/HUB-VNET-FLOWLOG/',
      'flowLogResourceID=/SUB_NETWORKWATCHERRG/NETWORKWATCHER_EASTUS_HUB-VNET-FLOWLOG/',
    ]);
    expect(trafficAnalyticsQuery("it's")).toContain("where * has 'it\\'s'");
  });

  test('the deployed allow-list from a state, a cdktf outputs file, terraform output -json; clear errors otherwise', () => {
    expect(allowlistFromState(JSON.stringify({ outputs: { firewall_allowlist: { value: ['1.2.3.4/32'] } } }), 's')).toEqual(['1.2.3.4/32']);
    expect(allowlistFromState(JSON.stringify({ outputs: {} }), 's')).toBeUndefined();
    expect(() => allowlistFromState('{', 'state.json')).toThrow(/^state.json: not JSON/);
    expect(() => allowlistFromState('{}', 'state.json')).toThrow('state.json: not a Terraform state (no "outputs")');
    expect(allowlistFromOutputsFile(JSON.stringify({ a: { firewall_allowlist: ['1.1.1.1/32'] }, b: {} }), 'a', 'o')).toEqual(['1.1.1.1/32']);
    expect(allowlistFromOutputsFile(JSON.stringify({ a: {}, b: {} }), 'b', 'o')).toBeUndefined();
    expect(() => allowlistFromOutputsFile(JSON.stringify({ a: { firewall_allowlist: 'x' } }), 'a', 'o')).toThrow(new AllowlistSourceError('o (a): firewall_allowlist is not a list of strings'));
  });

  test('only verify/azure/sdk.ts imports @azure/*: the SDK stays in its own bundle, loaded with --azure only', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (!['node_modules', '__tests__', 'dist', 'cdktf.out', '.build', '.git', 'imports', 'policy-tests'].includes(name)) walk(path);
        } else if (path.endsWith('.ts') && /from '@azure\//.test(readFileSync(path, 'utf8'))) {
          offenders.push(relative(ROOT, path));
        }
      }
    };
    walk(ROOT);
    expect(offenders).toEqual(['verify/azure/sdk.ts']);
  });
});
