import type { TFunction } from 'i18next';

// Deliberately permissive: one @, a dot in the domain, no spaces; the activation link proves it.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validEmail(v: string): boolean {
  return v.length <= 254 && EMAIL.test(v);
}

export function cleanText(v: string, max: number): string {
  return v.replace(/\s+/g, ' ').trim().slice(0, max);
}

export function validPhone(v: string): boolean {
  return /^\+?[\d\s]{9,15}$/.test(v);
}

/** Collects field errors in form order; the page shows them next to the fields and in a summary. */
export class FieldErrors {
  readonly errors: Record<string, string> = {};
  constructor(private readonly t: TFunction) {}
  add(field: string, key: string, params?: Record<string, unknown>): void {
    this.errors[field] ??= this.t(key, params ?? {});
  }
  addText(field: string, message: string): void {
    this.errors[field] ??= message;
  }
  requireValue(field: string, value: string): boolean {
    if (!value.trim()) {
      this.add(field, 'errors.required');
      return false;
    }
    return true;
  }
  get any(): boolean {
    return Object.keys(this.errors).length > 0;
  }
}
