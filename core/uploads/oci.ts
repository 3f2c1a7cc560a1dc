import { ChartroomError } from '../errors.js';
import type { UploadTarget } from './types.js';

/** OCI registries (`oci://host/path`): the place for `chart push`; it refuses clearly until then. */
export const ociTarget: UploadTarget<string> = {
  scheme: 'oci',
  parse: (target) => (target.startsWith('oci://') ? target : undefined),
  upload(target) {
    throw new ChartroomError('OCI_UNSUPPORTED', `${target}: pushing to oci:// registries is not supported yet`, { hint: 'publish to a Chartroom or ChartMuseum registry (--repo NAME or an https URL)' });
  },
};
