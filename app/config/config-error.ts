/** Invalid configuration: names the variable, what is wrong and the expected form. */
export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, problem: string, expected: string) {
    super(`${variable}: ${problem}; expected ${expected}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}
