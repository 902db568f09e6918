import type { Request } from 'express';
import type { TFunction } from 'i18next';
import { z } from 'zod';

/*
 * Form parsing for POST bodies: a zod schema per form, built from the field builders below, and
 * `parseForm`, which gives either the clean values or the translated error of each field plus the
 * input as typed, to re-render the page with status 422 (FORM_INVALID).
 */

/** The one status of a form that fails validation: the page again, errors by the fields, input kept. */
export const FORM_INVALID = 422;

/** Control characters (NUL, ESC, DEL…) but tab, CR and LF: never valid in a form field. */
const CONTROL = /[^\P{Cc}\t\n\r]/u;

export function hasControlCharacters(v: string): boolean {
  return CONTROL.test(v);
}

/** An issue's message is a message key; its params fill the translation. */
interface Problem { key: string; params?: Record<string, unknown> }

function fail(ctx: z.RefinementCtx, p: Problem): never {
  ctx.addIssue({ code: 'custom', message: p.key, params: p.params ?? {} });
  return z.NEVER;
}

export interface TextFieldOptions {
  /** Longest accepted value, in characters after trimming (default 200). */
  max?: number;
  min?: number;
  /** Empty is allowed (gives ''). */
  optional?: boolean;
  /** Keeps line breaks (textareas); otherwise whitespace runs become one space. */
  multiline?: boolean;
  /** Message keys, for wording particular to the field; {{min}} and {{max}} are filled in. */
  requiredKey?: string;
  tooShortKey?: string;
  tooLongKey?: string;
}

// `.optional()` before each transform: a field missing from the body reaches the transform (as
// undefined) and gets the field's own error, instead of zod's generic "required" issue.

/**
 * A text field: anything but one string (missing, repeated, nested) counts as empty, never as a
 * server error; control characters are refused with a field error; the value is trimmed.
 */
export function textField(o: TextFieldOptions = {}) {
  const max = o.max ?? 200;
  return z.unknown().optional().transform((raw, ctx): string => {
    const v = typeof raw === 'string' ? raw : '';
    if (hasControlCharacters(v)) return fail(ctx, { key: 'errors.controlCharacters' });
    const clean = o.multiline ? v.replace(/\r\n?/g, '\n').trim() : v.replace(/\s+/g, ' ').trim();
    const length = [...clean].length;
    if (!clean) return o.optional ? '' : fail(ctx, { key: o.requiredKey ?? 'errors.required' });
    if (o.min !== undefined && length < o.min) {
      return fail(ctx, { key: o.tooShortKey ?? 'errors.tooShort', params: { min: o.min } });
    }
    if (length > max) return fail(ctx, { key: o.tooLongKey ?? 'errors.tooLong', params: { max } });
    return clean;
  });
}

// Deliberately permissive: one @, a dot in the domain, no spaces; the confirmation link proves it.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailField(o: { optional?: boolean; invalidKey?: string } = {}) {
  return textField({ max: 254, optional: o.optional }).transform((v, ctx) => (
    v === '' || EMAIL.test(v) ? v.toLowerCase() : fail(ctx, { key: o.invalidKey ?? 'errors.email' })
  ));
}

/** One of a fixed list of values (radio buttons, selects); anything else is "choose one". */
export function choiceField<const T extends readonly string[]>(values: T, o: { requiredKey?: string } = {}) {
  return z.unknown().optional().transform((raw, ctx): T[number] => (
    typeof raw === 'string' && (values as readonly string[]).includes(raw)
      ? raw
      : fail(ctx, { key: o.requiredKey ?? 'errors.required' })
  ));
}

/** A checkbox: ticked when the browser sent one of the usual "on" values. */
export function checkboxField() {
  return z.unknown().optional().transform((v) => v === 'on' || v === '1' || v === 'true' || v === 'yes');
}

export type FormResult<T> =
  | { ok: true; value: T; form: Record<string, string> }
  | { ok: false; errors: Record<string, string>; form: Record<string, string> };

/** The body as typed, strings only and capped, to put back into the fields. */
export function keptInput(body: unknown, names: readonly string[], max = 4000): Record<string, string> {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, typeof b[n] === 'string' ? (b[n] as string).slice(0, max) : '']));
}

/**
 * Validates a POST body against a form schema. Errors come in the order of the schema's fields,
 * one per field, translated; the kept input never holds control characters (they would be
 * refused again) so the page can show it back.
 */
export function parseForm<S extends z.ZodObject>(schema: S, body: unknown, t: TFunction): FormResult<z.output<S>> {
  const names = Object.keys(schema.shape);
  const controls = new RegExp(CONTROL.source, 'gu');
  const form = Object.fromEntries(Object.entries(keptInput(body, names)).map(([k, v]) => [k, v.replace(controls, '')]));
  const input = body && typeof body === 'object' ? body : {};
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data, form };
  const byField: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    if (byField[field] !== undefined) continue;
    const params = (issue as { params?: Record<string, unknown> }).params ?? {};
    byField[field] = t(issue.message, params);
  }
  const errors: Record<string, string> = {};
  for (const n of [...names, ...Object.keys(byField)]) if (byField[n] !== undefined) errors[n] ??= byField[n];
  return { ok: false, errors, form };
}

/** A flat record of strings from a urlencoded body; anything else becomes ''. */
export function formFields<K extends string>(req: Request, names: readonly K[]): Record<K, string> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const out = {} as Record<K, string>;
  for (const n of names) {
    const v = body[n];
    out[n] = typeof v === 'string' ? v.slice(0, 1000) : '';
  }
  return out;
}

export function checkbox(req: Request, name: string): boolean {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return v === 'on' || v === '1' || v === 'true' || v === 'yes';
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
