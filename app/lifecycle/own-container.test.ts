import { describe, expect, it } from '@jest/globals';
import { detectOwnContainerId, isOwnContainer } from './own-container.ts';

const ID = '3f4e1c9a7b2d'.padEnd(64, '0');

describe('detectOwnContainerId', () => {
  it('finds the id in the bind mounts Docker puts at /etc/hostname (cgroup v2)', () => {
    const mountinfo = [
      '612 580 0:52 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X',
      `623 612 254:1 /var/lib/docker/containers/${ID}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda1 rw`,
      `624 612 254:1 /var/lib/docker/containers/${ID}/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw`,
    ].join('\n');
    expect(detectOwnContainerId({ mountinfo, cgroup: '0::/\n' })).toBe(ID);
  });

  it('falls back to the cgroup path (v1, and the systemd driver)', () => {
    expect(detectOwnContainerId({ cgroup: `12:memory:/docker/${ID}\n0::/\n` })).toBe(ID);
    expect(detectOwnContainerId({ cgroup: `0::/system.slice/docker-${ID}.scope\n` })).toBe(ID);
  });

  it('finds nothing outside a container, or in another runtime\'s group', () => {
    expect(detectOwnContainerId({ mountinfo: '22 1 8:1 / / rw - ext4 /dev/sda1 rw', cgroup: '0::/user.slice/user-1000.slice\n' })).toBeUndefined();
    expect(detectOwnContainerId({ cgroup: '4:memory:/process_api/ff3f2e4b5ca0a5db1f7d2ee331457b4c\n' })).toBeUndefined();
    expect(detectOwnContainerId({})).toBeUndefined();
  });
});

describe('isOwnContainer', () => {
  it('matches the full id or a short id prefix, never everything when unknown', () => {
    expect(isOwnContainer(ID, ID)).toBe(true);
    expect(isOwnContainer(ID, ID.slice(0, 12))).toBe(true);
    expect(isOwnContainer('b'.repeat(64), ID)).toBe(false);
    expect(isOwnContainer(ID, undefined)).toBe(false);
    expect(isOwnContainer(ID, '')).toBe(false);
  });
});
