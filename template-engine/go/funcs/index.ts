import { GoFuncError, type FuncMap, type GoFunc, type GoTime } from '../value.js';
import { conversionFuncs } from './conversion.js';
import { cryptoFuncs } from './crypto.js';
import { dateFuncs, systemClock } from './dates.js';
import { defaultFuncs } from './defaults.js';
import { dictFuncs } from './dicts.js';
import { encodingFuncs, helmEncodingFuncs } from './encoding.js';
import { helmEngineFuncs, type HelmHooks } from './helm.js';
import { def, type FuncTable } from './kinds.js';
import { listFuncs } from './lists.js';
import { mathFuncs } from './math.js';
import { pathFuncs } from './paths.js';
import { reflectFuncs } from './reflect.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver.js';
import { stringFuncs } from './strings.js';
import { urlFuncs } from './url.js';

/**
 * The function tables of Helm's Go-template engine: Sprig v3.3 (`sprigFuncs`, as sprig.TxtFuncMap) and Helm's
 * (`helmFuncs`: Sprig without env/expandenv, plus toYaml, include, tpl, required, fail, lookup … as Helm's
 * engine.funcMap builds them). Functions take and return values of ../value.ts; each checks its arguments as
 * text/template would and throws GoFuncError (or TemplateFailError for required/fail) with Go's message.
 */

export { TemplateFailError, type HelmHooks } from './helm.js';
export { GoArgError, type DeclaredFunc } from './kinds.js';
export { formatValue, formatFloat, goQuote, strval } from './fmt.js';
export { isEmpty as isGoEmpty } from './kinds.js';
export { toYamlText } from './yaml.js';
export { marshalJson } from './json.js';
export { formatTime, timeString, durationString } from './time.js';

export interface FuncOptions {
  /** The clock of now/date/ago and of certificate validity (default: the system clock, Local zone). */
  now?: () => GoTime;
  /** The zone Go calls Local, an IANA name or a function naming it on first use (default: the machine's zone). */
  localZone?: string | (() => string);
  /** The environment `env`/`expandenv` read (Sprig only; Helm removes both). Without it they see an empty one. */
  env?: Record<string, string>;
}

function envFuncs(env: Record<string, string>): FuncTable {
  const get = (k: string) => (Object.prototype.hasOwnProperty.call(env, k) ? env[k] : '');
  return {
    env: def('env', ['string'], get),
    // os.ExpandEnv: $VAR and ${VAR}; a lone $ or ${} expands to nothing.
    expandenv: def('expandenv', ['string'], (s: string) =>
      s.replace(/\$(\{([^}]*)\}|[A-Za-z0-9_]+|[*#$@!?\-0-9])?/g, (m, _b, braced: string | undefined) => {
        if (m === '$') return '$';
        const name = braced ?? m.slice(1);
        return get(name);
      }),
    ),
  };
}

function toMap(...tables: FuncTable[]): FuncMap {
  const m: FuncMap = new Map<string, GoFunc>();
  for (const t of tables) for (const [k, f] of Object.entries(t)) m.set(k, f);
  return m;
}

/** Sprig's TxtFuncMap. */
export function sprigFuncs(opts: FuncOptions = {}): FuncMap {
  const clock = opts.now ?? systemClock;
  return toMap(
    stringFuncs,
    conversionFuncs,
    mathFuncs,
    defaultFuncs,
    listFuncs,
    dictFuncs,
    encodingFuncs,
    reflectFuncs,
    regexFuncs,
    semverFuncs,
    pathFuncs,
    urlFuncs,
    dateFuncs(clock, opts.localZone),
    cryptoFuncs(() => clock().ms),
    envFuncs(opts.env ?? {}),
    {
      // Sprig's own fail; Helm replaces it.
      fail: def('fail', ['string'], (msg: string) => {
        throw new GoFuncError(msg);
      }),
    },
  );
}

/** Helm's engine function map: Sprig without env and expandenv, with Helm's functions over it. */
export function helmFuncs(hooks: HelmHooks, opts: FuncOptions = {}): FuncMap {
  const m = sprigFuncs(opts);
  m.delete('env');
  m.delete('expandenv');
  for (const [k, f] of Object.entries({ ...helmEncodingFuncs, ...helmEngineFuncs(hooks) })) m.set(k, f);
  return m;
}
