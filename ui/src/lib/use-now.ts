import { onScopeDispose, ref, type Ref } from 'vue';

/** The current time, ticking, for countdowns that must stay true while a page is open. */
export function useNow(everyMs = 1000): Ref<number> {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), everyMs);
  onScopeDispose(() => clearInterval(timer));
  return now;
}
