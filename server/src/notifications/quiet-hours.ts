/** Quiet hours of a user: no push between `start` and `end` (HH:MM, in their time zone). */
export interface QuietHours {
  start: string;
  end: string;
  timeZone: string;
}

function minutesOf(hhmm: string): number {
  const [hours = 0, minutes = 0] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Whether a moment falls in the quiet hours (which may run past midnight, 22:00–07:00). */
export function isQuiet(quiet: QuietHours | undefined, at: Date): boolean {
  if (!quiet) return false;
  const local = new Intl.DateTimeFormat('en-GB', { timeZone: quiet.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  const now = minutesOf(local);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  return start <= end ? now >= start && now < end : now >= start || now < end;
}
