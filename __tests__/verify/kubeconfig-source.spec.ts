import { delimiter, join } from 'node:path';
import { IN_CLUSTER_TOKEN, locateKubeconfig } from '../../verify/kubeconfig-source';

/** kubectl's lookup order, on a fake file system. */
describe('locateKubeconfig', () => {
  const hint = 'Get credentials with: az aks get-credentials -g rg -n aks';
  const fs = (...present: string[]) => (p: string) => present.includes(p);

  test('--kubeconfig wins, and must exist', () => {
    expect(locateKubeconfig('/k', { KUBECONFIG: '/other' }, hint, fs('/k', '/other'))).toEqual({ kind: 'files', paths: ['/k'] });
    expect(locateKubeconfig('/k', {}, hint, fs())).toEqual({ error: '--kubeconfig /k: no such file' });
  });

  test('KUBECONFIG is a list; missing entries are skipped, all missing is an error', () => {
    const list = ['/a', '/b', '/c'].join(delimiter);
    expect(locateKubeconfig(undefined, { KUBECONFIG: list }, hint, fs('/a', '/c'))).toEqual({ kind: 'files', paths: ['/a', '/c'] });
    expect(locateKubeconfig(undefined, { KUBECONFIG: list }, hint, fs())).toEqual({
      error: `KUBECONFIG is set, but /a, /b, /c does not exist. ${hint}`,
    });
  });

  test('then ~/.kube/config, then the in-cluster service account', () => {
    expect(locateKubeconfig(undefined, { HOME: '/home/u' }, hint, fs(join('/home/u', '.kube', 'config')))).toEqual({
      kind: 'files',
      paths: [join('/home/u', '.kube', 'config')],
    });
    expect(locateKubeconfig(undefined, { HOME: '/home/u', KUBERNETES_SERVICE_HOST: '10.0.0.1' }, hint, fs(IN_CLUSTER_TOKEN))).toEqual({ kind: 'in-cluster' });
    expect(locateKubeconfig(undefined, { HOME: '/home/u' }, hint, fs(IN_CLUSTER_TOKEN))).toEqual({
      error: `no kubeconfig: KUBECONFIG is not set and ${join('/home/u', '.kube', 'config')} does not exist. ${hint}`,
    });
  });
});
