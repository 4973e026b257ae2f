import { AppError } from '../../core/errors.ts';
import type { AppContext } from '../context.ts';
import type { LiveServices } from './live-services.ts';
import { StreamLimitError } from './sse-channel.ts';

export function requireLive(context: AppContext): LiveServices {
  if (!context.live) throw new AppError(503, 'LIVE_UNAVAILABLE', 'Event streams and stats are not running');
  return context.live;
}

/** Opens a stream, turning a refused connection slot into a JSON 429 (nothing was written yet). */
export function openStream(open: () => void): void {
  try {
    open();
  } catch (error) {
    if (error instanceof StreamLimitError) {
      throw new AppError(429, 'TOO_MANY_STREAMS', error.message, { scope: error.scope });
    }
    throw error;
  }
}
