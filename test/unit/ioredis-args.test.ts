import { Command } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { alreadyFlat } from '../../src/platform/redis/ioredis-port.js';

describe('alreadyFlat', () => {
  it('gives ioredis the same command as the arguments it would flatten itself', () => {
    const args = () => ['t:{u:alice}', 'l', 1767225600, 'f0', 'QUJD', 'f1', ''];
    const plain = new Command('hset', args());
    const marked = new Command('hset', alreadyFlat(args()));
    expect([...marked.args]).toEqual(plain.args);
    expect(marked.toWritable({} as never)).toBe(plain.toWritable({} as never));
    expect(marked.toWritable({} as never)).toBe('*8\r\n$4\r\nhset\r\n$11\r\nt:{u:alice}\r\n$1\r\nl\r\n$10\r\n1767225600\r\n$2\r\nf0\r\n$4\r\nQUJD\r\n$2\r\nf1\r\n$0\r\n\r\n');
  });
});
