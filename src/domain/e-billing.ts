/** E-billing is free and for any contract without an alternative payer or recipient (seed 000). */
export type EBillingEligibility =
  | { eligible: true }
  | { eligible: false; reason: 'alt_payer' | 'alt_recipient' | 'ended' };

export function eBillingEligibility(
  c: { status: 'active' | 'ended'; altPayerName: string | null; altRecipientName: string | null },
): EBillingEligibility {
  if (c.status !== 'active') return { eligible: false, reason: 'ended' };
  if (c.altPayerName) return { eligible: false, reason: 'alt_payer' };
  if (c.altRecipientName) return { eligible: false, reason: 'alt_recipient' };
  return { eligible: true };
}
