/**
 * Messages that name options. A stage deep in the pipeline knows which option a bad value came
 * from (`output`), not how the person gave it: a flag on the command line, an input in a workflow
 * or a key of quantgate.yml. So a message keeps the option as data, and each entry renders it in
 * its own words (the CLI `--output`, the action `action input 'output'`) when it prints.
 *
 * Write messages with the `msg` tag and `opt`/`setting`:
 *
 *   msg`${opt('output')} is '${name}', but the model has no output of that name`
 *   msg`did you mean ${setting('output', guess)}?`
 */
import type { OptionKey } from './config/options.js';

/**
 * An option named in a message: its name, or with `value` how to set it (`--method minmax`).
 * Made by `opt` and `setting`, which take only the table's keys.
 */
export class OptionRef {
  constructor(
    readonly key: string,
    readonly value?: string,
  ) {}

  /** Outside a message (a log line, a data set's description) it reads as the flag. */
  toString(): string {
    return this.value === undefined ? FLAG_NAMING.name(this.key) : FLAG_NAMING.setting(this.key, this.value);
  }
}

/** How an entry names options: its own words for "the option" and for "set it to this". */
export interface OptionNaming {
  name(key: string): string;
  setting(key: string, value: string): string;
}

/**
 * `text` without the `name (…)` it starts with, for a line whose label already names the thing:
 * after "TensorRT", the native addon's "TensorRT (libnvinfer) could not be loaded (tried …)" reads
 * "libnvinfer could not be loaded (tried …)". Text that does not start so is returned as it is.
 */
export function withoutLeadingName(text: string, name: string): string {
  if (!text.startsWith(`${name} (`)) return text;
  const close = text.indexOf(') ', name.length + 2);
  return close > 0 ? `${text.slice(name.length + 2, close)}${text.slice(close + 1)}` : text;
}

/** A word as one argument of a POSIX shell: quoted only where it needs to be. */
export function shellWord(word: string): string {
  return /^[\w./:,=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command line's words: `--output`, `--output logits`. */
export const FLAG_NAMING: OptionNaming = {
  name: (key) => `--${key}`,
  setting: (key, value) => `--${key} ${shellWord(value)}`,
};

/** The workflow's words: `action input 'output'` (not to be read as one of the model's inputs), and the line to write under `with:`. */
export const INPUT_NAMING: OptionNaming = {
  name: (key) => `action input '${key}'`,
  setting: (key, value) => `'${key}: ${value}'`,
};

/** The docs of the action's inputs and of quantgate.yml's keys: the key itself, and the line to write. */
export const KEY_NAMING: OptionNaming = {
  name: (key) => `'${key}'`,
  setting: (key, value) => `'${key}: ${value}'`,
};

/** A piece of a message: text, or an option the entry names in its own words. */
export type MessagePart = string | OptionRef;

/** Text with options in it, rendered by whoever prints it. */
export class Message {
  constructor(readonly parts: readonly MessagePart[]) {}

  render(naming: OptionNaming = FLAG_NAMING): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : p.value === undefined ? naming.name(p.key) : naming.setting(p.key, p.value))).join('');
  }

  toString(): string {
    return this.render();
  }

  /** The options this message names, in order, once each. */
  options(): string[] {
    return [...new Set(this.parts.filter((p): p is OptionRef => typeof p !== 'string').map((p) => p.key))];
  }
}

/** Text, or a message: what a function that builds messages accepts. */
export type Text = string | Message;

/** What a value is called in messages: an option (`opt('eval-data')`) or plain words ('the baseline'). */
export type Label = string | OptionRef | Message;

/** The option `key`, named in the words of whoever prints the message. */
export function opt(key: OptionKey): OptionRef {
  return new OptionRef(key);
}

/** How to set option `key` to `value`, in the words of whoever prints the message. */
export function setting(key: OptionKey, value: string): OptionRef {
  return new OptionRef(key, value);
}

/** A message from a template: `OptionRef`s and nested messages keep their structure; anything else becomes text. */
export function msg(strings: TemplateStringsArray, ...values: unknown[]): Message {
  const parts: MessagePart[] = [];
  const push = (part: MessagePart) => {
    const last = parts[parts.length - 1];
    if (typeof part === 'string' && typeof last === 'string') parts[parts.length - 1] = last + part;
    else if (part !== '') parts.push(part);
  };
  strings.forEach((text, i) => {
    push(text);
    if (i >= values.length) return;
    const value = values[i];
    if (value instanceof OptionRef) push(value);
    else if (value instanceof Message) value.parts.forEach(push);
    else push(String(value));
  });
  return new Message(parts);
}

/** Texts joined by `separator` into one message, options kept. */
export function joinText(texts: readonly Text[], separator: string): Message {
  return new Message(texts.flatMap((t, i) => [...(i > 0 ? [separator] : []), ...toMessage(t).parts]));
}

/** Any text as a message (a plain string has no options in it). */
export function toMessage(text: Text): Message {
  return typeof text === 'string' ? new Message([text]) : text;
}
