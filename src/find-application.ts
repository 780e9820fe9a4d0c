import type { ApplicationConfig, Config } from './config.js';

/**
 * The configured application named `name`, or undefined. `name` comes from the caller, and
 * `config.applications` is a plain object: an own-property check keeps names every object
 * inherits (`constructor`, `__proto__`, `toString`...) from finding a function or the prototype,
 * which once passed for an application without a policy (docs/security.md, item 1).
 */
export function findApplication(config: Pick<Config, 'applications'>, name: string): ApplicationConfig | undefined {
  return Object.hasOwn(config.applications, name) ? config.applications[name] : undefined;
}
