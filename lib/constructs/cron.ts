/** EventBridge Scheduler's cron expressions, for the schedules of every scheduled function. */

export const CRON_DAYS = {
  mon: 'MON',
  tue: 'TUE',
  wed: 'WED',
  thu: 'THU',
  fri: 'FRI',
  sat: 'SAT',
  sun: 'SUN',
} as const;

/** A Scheduler cron expression (minutes hours day-of-month month day-of-week year) for `HH:MM`. */
export function cronAt(at: string, day?: keyof typeof CRON_DAYS): string {
  const [hours, minutes] = at.split(':').map(Number);
  return day ? `cron(${minutes} ${hours} ? * ${CRON_DAYS[day]} *)` : `cron(${minutes} ${hours} * * ? *)`;
}
