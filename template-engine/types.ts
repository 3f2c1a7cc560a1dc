import type { Chart, Values } from '../core/chart/model.js';

/** The release a render is for, as templates see it through `.Release`. */
export interface ReleaseInfo {
  name: string;
  namespace: string;
  isUpgrade: boolean;
  revision: number;
  /** `Release.Service`: the tool doing the render. */
  service: string;
}

/** The cluster a render targets, as templates see it through `.Capabilities`. */
export interface CapabilitiesInfo {
  /** A `v`-prefixed Kubernetes version, e.g. `v1.35.0`. */
  kubeVersion: string;
  /** Every API version the cluster offers (group/version, and group/version/Kind where known). */
  apiVersions: string[];
  /** The renderer's own version, for `.Capabilities.HelmVersion`. */
  toolVersion: string;
}

/** A small key–value cache an engine may keep derived data in (parsed templates); misses are never errors. */
export interface EngineCache {
  read(kind: string, key: string): Buffer | undefined;
  write(kind: string, key: string, data: string | Buffer): void;
}

/** What every chart of one render shares besides its values. */
export interface RenderInputs {
  release: ReleaseInfo;
  capabilities: CapabilitiesInfo;
  /** A reference to a value that does not exist is an error. */
  strict: boolean;
  /** Clock for `now`. */
  now: () => Date;
  cache?: EngineCache;
}

/** One chart of the render tree, as the render pipeline hands it to the engine that renders it. */
export interface ChartUnit {
  chart: Chart;
  /** Helm's manifest name prefix: `top` or `top/charts/alias`. */
  prefix: string;
  /** The chart's name in its parent's values: its alias, else its name. */
  name: string;
  /** 0 for the top chart. */
  depth: number;
  /** What the chart sees as `.Values`. */
  values: Values;
  /**
   * Where `.Values` holds a whole number that `--set` gave: Go templates see those as int64, every other number
   * from values as float64 (as in Helm). Paths of keys and list indexes.
   */
  int64Paths?: (string | number)[][];
  /** The enabled subcharts, whatever engine renders them (for `.Subcharts`). */
  subcharts: ChartUnit[];
}

/** One rendered template file. */
export interface RenderedTemplate {
  /** Helm's manifest name: `chart/templates/x.yaml`, `chart/charts/sub/templates/x.yaml`. */
  path: string;
  content: string;
  /** Where the template lives, for error messages. */
  file: string;
  chart: Chart;
  /** The template's text. */
  source?: string;
  /**
   * The template source line that wrote a line of `content` (both 1-based), worked out on demand (it
   * may render the template again). Engines that cannot tell leave it out.
   */
  sourceLine?: (outputLine: number) => number | undefined;
}

export interface EngineOutput {
  /** Every template of every unit, NOTES.txt and `_` partials left out. */
  templates: RenderedTemplate[];
  /** The top chart's rendered NOTES.txt, when this engine renders the top chart and it has one. */
  notes?: string;
}

/**
 * A template language. The render pipeline gives each engine the charts of the tree that it claims; named
 * templates are shared among the charts of one engine, never across engines.
 */
export interface TemplateEngine {
  /** Short name for messages: `handlebars`, `go`. */
  readonly name: string;
  /** Whether this engine renders the chart (by its Chart.yaml). */
  claims(chart: Chart): boolean;
  /** Renders the charts of the tree this engine claims; an engine may load its code on first use. */
  render(units: ChartUnit[], inputs: RenderInputs): EngineOutput | Promise<EngineOutput>;
}
