import { translator, type Language } from '../../i18n';
import { retailer } from '../../domain/retailer';

export interface RenderedMail { subject: string; text: string; html: string }

export interface MailContent {
  template: string;
  params: Record<string, string | number>;
  /** Absolute URL of the one action the email asks for, if any. */
  actionUrl?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const BODY_STYLE = 'font-family:Arial,Helvetica,sans-serif;color:#1b1f24;line-height:1.5;' +
  'max-width:600px;margin:0 auto;padding:16px';
const BRAND_STYLE = 'font-size:20px;font-weight:bold;color:#0b5394';
const BUTTON_STYLE = 'display:inline-block;background:#0b5394;color:#ffffff;padding:10px 18px;border-radius:6px;' +
  'text-decoration:none;font-weight:bold';

/**
 * Emails are rendered when queued, from the message files (mail.<template>.subject,
 * .paragraphs, .action), as plain text and as simple HTML with every value escaped.
 */
export function renderMail(lang: Language, content: MailContent): RenderedMail {
  const t = translator(lang);
  const vars = { ...content.params, brand: retailer.brand, phone: retailer.phone };
  const key = `mail.${content.template}`;
  const subject = t(`${key}.subject`, vars);
  const paragraphs = (t(`${key}.paragraphs`, { ...vars, returnObjects: true }) as unknown as string[]).filter(
    (p) => p.trim() !== '',
  );
  const action = content.actionUrl ? t(`${key}.action`, vars) : null;
  // an empty name (an invitation, whose names the inviter typed) gets a greeting without one
  const greeting = content.params.name === '' ? t('mail.greetingPlain') : t('mail.greeting', vars);
  const signature = t('mail.signature', vars);
  const footer = t('mail.footer', vars);

  const text = [
    greeting, '',
    ...paragraphs.flatMap((p) => [p, '']),
    ...(action && content.actionUrl ? [`${action}:`, content.actionUrl, ''] : []),
    signature, '', '--', footer,
  ].join('\n');

  const button = action && content.actionUrl
    ? `<p><a href="${escapeHtml(content.actionUrl)}" style="${BUTTON_STYLE}">${escapeHtml(action)}</a></p>
<p style="font-size:13px;color:#4a5560">${escapeHtml(content.actionUrl)}</p>`
    : '';
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(subject)}</title></head>
<body style="${BODY_STYLE}">
<p style="${BRAND_STYLE}">${escapeHtml(retailer.brand)} · ${escapeHtml(t('app.name'))}</p>
<p>${escapeHtml(greeting)}</p>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${button}
<p>${escapeHtml(signature)}</p>
<hr><p style="font-size:12px;color:#4a5560">${escapeHtml(footer)}</p>
</body></html>`;
  return { subject, text, html };
}
