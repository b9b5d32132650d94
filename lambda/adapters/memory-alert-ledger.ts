import type { AlertClaim, AlertLedger, ClaimOptions, SentAlertLookup, SentAlertSummary } from '../ports';

interface Marker {
  status: 'pending' | 'sent';
  claimedUntil: number;
  expiresAt: number | undefined;
  summary?: { readonly severity: string; readonly rules: string };
  sentAt?: string;
}

/** The alert ledger in memory, with the DynamoDB ledger's rules: for local runs and tests. */
export class MemoryAlertLedger implements AlertLedger, SentAlertLookup {
  readonly markers = new Map<string, Marker>();

  async claim(key: string, { now, leaseMs, expiresAt }: ClaimOptions): Promise<AlertClaim> {
    const marker = this.markers.get(key);
    if (marker?.status === 'sent') return 'already-sent';
    if (marker && marker.claimedUntil >= now.getTime()) return 'in-flight';
    this.markers.set(key, { status: 'pending', claimedUntil: now.getTime() + leaseMs, expiresAt });
    return marker ? 'reclaimed' : 'claimed';
  }

  async markSent(
    key: string,
    now?: Date,
    summary?: { readonly severity: string; readonly rules: string },
  ): Promise<void> {
    const marker = this.markers.get(key);
    this.markers.set(key, {
      status: 'sent',
      claimedUntil: 0,
      expiresAt: marker?.expiresAt,
      ...(summary ? { summary } : {}),
      ...(now ? { sentAt: now.toISOString() } : {}),
    });
  }

  async sentAlert(key: string): Promise<SentAlertSummary | null> {
    const marker = this.markers.get(key);
    if (marker?.status !== 'sent' || !marker.summary) return null;
    return {
      severity: marker.summary.severity,
      rules: marker.summary.rules.split(',').filter(Boolean),
      sentAt: marker.sentAt ?? null,
    };
  }

  async release(key: string): Promise<void> {
    if (this.markers.get(key)?.status === 'pending') this.markers.delete(key);
  }
}
