import type { AlertClaim, AlertLedger, ClaimOptions } from '../ports';

interface Marker {
  status: 'pending' | 'sent';
  claimedUntil: number;
  expiresAt: number | undefined;
}

/** The alert ledger in memory, with the DynamoDB ledger's rules: for local runs and tests. */
export class MemoryAlertLedger implements AlertLedger {
  readonly markers = new Map<string, Marker>();

  async claim(key: string, { now, leaseMs, expiresAt }: ClaimOptions): Promise<AlertClaim> {
    const marker = this.markers.get(key);
    if (marker?.status === 'sent') return 'already-sent';
    if (marker && marker.claimedUntil >= now.getTime()) return 'in-flight';
    this.markers.set(key, { status: 'pending', claimedUntil: now.getTime() + leaseMs, expiresAt });
    return marker ? 'reclaimed' : 'claimed';
  }

  async markSent(key: string): Promise<void> {
    const marker = this.markers.get(key);
    this.markers.set(key, { status: 'sent', claimedUntil: 0, expiresAt: marker?.expiresAt });
  }

  async release(key: string): Promise<void> {
    if (this.markers.get(key)?.status === 'pending') this.markers.delete(key);
  }
}
