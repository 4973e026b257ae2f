import { dropOldestFinished } from './operation-repository.ts';
import type { UpdateOperation } from './operation.ts';

const operation = (id: string, status: UpdateOperation['status']) => ({ id, status }) as UpdateOperation;

describe('dropOldestFinished', () => {
  it('drops the oldest finished operations and never an active one', () => {
    const list = [
      operation('a', 'in-progress'),
      operation('b', 'succeeded'),
      operation('c', 'failed'),
      operation('d', 'queued'),
      operation('e', 'succeeded'),
    ];
    dropOldestFinished(list, 3);
    expect(list.map((entry) => entry.id)).toEqual(['a', 'd', 'e']);
  });

  it('keeps more than the maximum when only active operations remain', () => {
    const list = [operation('a', 'in-progress'), operation('b', 'queued')];
    dropOldestFinished(list, 1);
    expect(list.map((entry) => entry.id)).toEqual(['a', 'b']);
  });
});
