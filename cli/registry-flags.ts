import type { Command } from 'commander';
import type { TransportSettings } from '../core/oci/transport.js';

/** How every command that talks to an OCI registry connects to it, with helm's flag names. */
export function addRegistryFlags(cmd: Command): Command {
  return cmd
    .option('--plain-http', 'talk to OCI registries over plain HTTP instead of HTTPS')
    .option('--insecure-skip-tls-verify', "accept any certificate from OCI registries (tests only: anyone in between can read and change what is sent)")
    .option('--ca-file <file>', "trust this CA bundle (PEM) for OCI registries' certificates, besides the system's")
    .option('--cert-file <file>', 'client certificate (PEM) for OCI registries that ask for one')
    .option('--key-file <file>', "the client certificate's private key (PEM)");
}

/** The transport settings in a command's options (the ones addRegistryFlags declares); empty for other commands. */
export function registryTransport(opts: Record<string, unknown>): TransportSettings {
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    ...(opts.plainHttp === true ? { plainHttp: true } : {}),
    ...(opts.insecureSkipTlsVerify === true ? { insecureSkipTlsVerify: true } : {}),
    ...(str(opts.caFile) ? { caFile: str(opts.caFile) } : {}),
    ...(str(opts.certFile) ? { certFile: str(opts.certFile) } : {}),
    ...(str(opts.keyFile) ? { keyFile: str(opts.keyFile) } : {}),
  };
}
