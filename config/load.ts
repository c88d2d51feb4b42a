import { readFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema } from './schema';
import { crossFieldProblems, crossFieldWarnings, formatPath } from './cross-field';
import { toModel, type Config } from './model';
import { didYouMean, knownKeysAt } from './suggest';

/**
 * The fleet config every command reads unless AKS_DAY2_CONFIG (or `--config`) names another:
 * a fork replaces its example cluster with its own.
 */
export const DEFAULT_CONFIG_PATH = 'config/fleet.yaml';

/** The environment variable that names another config file for every command. */
export const CONFIG_ENV = 'AKS_DAY2_CONFIG';

/** Which config file a command reads: `--config`, else AKS_DAY2_CONFIG, else the fleet config. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag || env[CONFIG_ENV] || DEFAULT_CONFIG_PATH;
}

/** One problem in a config file: where it is and what rule it breaks. */
export interface ConfigProblem {
  /** Field path as a user reads it: `clusters[0].acr.name`. Empty for the whole file. */
  readonly path: string;
  readonly message: string;
  /** 1-based line in the file, when it could be located. */
  readonly line?: number;
  /** 1-based column, for YAML syntax errors. */
  readonly column?: number;
}

/** Thrown for an invalid config; lists every problem found, one per line. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the config:\n` +
        problems
          .map((p) => `  ${p.path || '(file)'}${where(p)}: ${p.message}`)
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

function where(p: ConfigProblem): string {
  if (!p.line) return '';
  return p.column ? ` (line ${p.line}, column ${p.column})` : ` (line ${p.line})`;
}

/**
 * Parse and validate config text. Pure: no file or environment access, so tests call it
 * directly. Throws ConfigError listing every problem (YAML syntax, schema, cross-field rules).
 */
export function parseConfig(text: string, source = 'config'): Config {
  // prettyErrors adds the line and column (linePos) to each error; its message then ends in
  // " at line N, column M:" and a code frame, which the problem's own position replaces.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({
        path: '',
        message: `YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
        line: e.linePos?.[0].line,
        column: e.linePos?.[0].col,
      })),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const result = ConfigSchema.safeParse(raw ?? {});
  const problems = [
    ...(result.success ? [] : toProblems(result.error.issues, doc.contents, text)),
    ...crossFieldProblems(raw).map((p) => ({
      path: formatPath(p.path),
      message: p.message,
      line: lineOf(doc.contents, p.path, text),
    })),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  const warnings = crossFieldWarnings(raw).map((w) => ({
    path: formatPath(w.path),
    message: w.message,
    line: lineOf(doc.contents, w.path, text),
  }));
  return toModel(result.data, warnings);
}

/** Read the config file at `path` (the one place a file is read) and parse it. */
export function loadConfig(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [
      {
        path: '',
        message:
          code === 'ENOENT'
            ? `file not found (the fleet config is ${DEFAULT_CONFIG_PATH}; name another with --config <file> or ${CONFIG_ENV})`
            : String(e),
      },
    ]);
  }
  return parseConfig(text, path);
}

function toProblems(issues: readonly z.core.$ZodIssue[], root: unknown, text: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const known = knownKeysAt(ConfigSchema, issue.path);
        problems.push({
          path: formatPath(path),
          message: `unknown key${didYouMean(key, known)} (the config is strict; known keys here: ${known.join(', ')})`,
          line: lineOf(root, path, text),
        });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type') {
      const received = /received (\w+)/.exec(issue.message)?.[1];
      message =
        received === 'undefined'
          ? 'is required'
          : `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}${received ? `, not ${TYPE_NAMES[received] ?? received}` : ''}`;
    }
    problems.push({ path: formatPath(issue.path), message, line: lineOf(root, issue.path, text) });
  }
  return problems;
}

/** YAML-facing names for zod's type names. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  array: 'a list',
  object: 'a mapping (key: value)',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  null: 'empty (null)',
};

/** Best-effort line number of a path in the YAML document, for messages. */
function lineOf(root: unknown, path: readonly PropertyKey[], text: string): number | undefined {
  let node = root as YamlNode | null | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      node = (pair.value as YamlNode | null) ?? (pair.key as YamlNode);
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key] as YamlNode | undefined;
    } else break;
  }
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  return text.slice(0, offset).split('\n').length;
}
