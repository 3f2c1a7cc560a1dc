import { ChartroomError } from '../errors.js';
import type { ChartSource, SourceRef } from './types.js';

export interface OciRef extends SourceRef {
  /** `oci://host/path/name`. */
  reference: string;
}

const refuse = (ref: OciRef): never => {
  throw new ChartroomError('OCI_UNSUPPORTED', `${ref.display}: oci:// registries are not supported yet`, { hint: 'use a Helm repository (https://…) for now' });
};

/** Charts in OCI registries (`oci://host/path/name`): the place for the OCI client; it refuses clearly until then. */
export const ociSource: ChartSource<OciRef> = {
  scheme: 'oci',
  parseArgument(arg) {
    return arg.startsWith('oci://') ? { display: arg, reference: arg } : undefined;
  },
  parseDependency(dep) {
    return dep.repository.startsWith('oci://') ? { display: dep.repository, reference: `${dep.repository.replace(/\/+$/, '')}/${dep.name}`, name: dep.name, repositoryKey: dep.repository } : undefined;
  },
  async versions(ref) {
    return refuse(ref);
  },
  async fetch(ref) {
    return refuse(ref);
  },
};
