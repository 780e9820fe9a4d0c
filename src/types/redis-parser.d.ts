// redis-parser 3 (the RESP parser ioredis itself uses) ships no types; this is the part Vigil calls.
declare module 'redis-parser' {
  interface ParserOptions {
    returnReply(reply: unknown): void;
    /** An error reply (redis-errors' ReplyError, whose message is Redis's own). */
    returnError(err: Error): void;
    returnFatalError?(err: Error): void;
    returnBuffers?: boolean;
    stringNumbers?: boolean;
  }

  class RedisParser {
    constructor(options: ParserOptions);
    execute(data: Buffer): void;
    reset(): void;
  }

  export = RedisParser;
}
