import type { Knex } from 'knex';
import { isLanguage, DEFAULT_LANGUAGE } from '../../i18n';
import { insertOutbox } from '../../data/outbox-repo';
import { renderMail, type MailContent } from './render';

export interface QueueMail extends MailContent {
  to: string;
  lang: string;
  userId?: number | null;
  customerId?: number | null;
}

/** Call inside the transaction of the change that causes the email. */
export async function queueMail(trx: Knex, mail: QueueMail): Promise<number> {
  const lang = isLanguage(mail.lang) ? mail.lang : DEFAULT_LANGUAGE;
  const rendered = renderMail(lang, mail);
  return insertOutbox(trx, {
    to: mail.to, language: lang, template: mail.template, subject: rendered.subject,
    text: rendered.text, html: rendered.html, userId: mail.userId, customerId: mail.customerId,
  });
}
