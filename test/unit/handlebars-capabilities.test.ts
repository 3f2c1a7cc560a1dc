import { describe, expect, it } from '@jest/globals';
import { coerce } from '../../core/semver-lib.js';
import { capabilitiesObject } from '../../template-engine/handlebars/context.js';

describe('Handlebars Capabilities.KubeVersion', () => {
  it('has the major and minor numbers semver.coerce finds, on usual and odd versions', () => {
    const versions = ['v1.30.0', '1.30.0', 'v1.31', '1.29.3-eks.1', 'v1.28.0+k3s1', 'v01.007.0', 'version 2', 'v1', 'latest', '', '12345678901234567.1.0', 'x1.2y', '1.2.3.4', 'v1.30.0-gke.1100000'];
    for (const raw of versions) {
      const kube = capabilitiesObject({ kubeVersion: raw, apiVersions: [], toolVersion: 't' }).KubeVersion;
      const v = coerce(raw, { loose: true });
      expect({ raw, major: kube.Major, minor: kube.Minor }).toEqual({ raw, major: String(v?.major ?? 1), minor: String(v?.minor ?? 0) });
    }
  });
});
