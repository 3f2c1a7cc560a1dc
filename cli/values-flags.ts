import type { Command } from 'commander';
import { collect } from './output.js';

/** The `-f` and `--set` family, as Helm spells them. */
export function addValuesFlags(cmd: Command): Command {
  return cmd
    .option('-f, --values <file>', 'values file (YAML; - for stdin); repeatable, later files win', collect, [])
    .option('--set <key=value>', 'set values (a.b=1,list={x,y}); repeatable', collect, [])
    .option('--set-string <key=value>', 'set values, always as strings', collect, [])
    .option('--set-json <key=json>', 'set values from JSON', collect, [])
    .option('--set-file <key=path>', 'set a value to the contents of a file', collect, [])
    .option('--set-literal <key=value>', 'set one value literally (no commas or escapes)', collect, []);
}

export interface ValuesFlags {
  values: string[];
  set: string[];
  setString: string[];
  setJson: string[];
  setFile: string[];
  setLiteral: string[];
}

export function valuesOptions(f: ValuesFlags) {
  return { valueFiles: f.values, set: f.set, setString: f.setString, setJson: f.setJson, setFile: f.setFile, setLiteral: f.setLiteral };
}
