import { describe, expect, it } from 'vitest';
import { catchOptionsError, checkOptions, declareOption, entryOptions, listOptions, optionDefaults, optionField, OptionsError, resolveOptions, type OptionFields } from '../src/index.js';

const fields = {
  alpha: declareOption(optionField.number((v) => v >= 0, '>= 0'), 'slope for x < 0', 0.01),
  mode: declareOption(optionField.choice(['fanIn', 'fanOut', 'fanAvg']), 'which fan to divide by', 'fanIn'),
  units: declareOption(optionField.integer(1, 100, true), 'how many outputs'),
} satisfies OptionFields;

function thrown(fn: () => unknown): OptionsError {
  try {
    fn();
  } catch (error) {
    return error as OptionsError;
  }
  throw new Error('did not throw');
}

describe('declared options', () => {
  it('declareOption adds a description and a default to a field, keeping its check', () => {
    expect(fields.alpha).toMatchObject({ expected: 'a number >= 0', description: 'slope for x < 0', default: 0.01 });
    expect(fields.alpha.accepts(-1)).toBe(false);
    expect(fields.units).toMatchObject({ required: true, description: 'how many outputs' });
    expect(fields.units).not.toHaveProperty('default');
  });

  it('declareOption refuses a default its field does not accept, a default for a required option and a description that is not one line', () => {
    expect(() => declareOption(optionField.number((v) => v > 0, '> 0'), 'rate', 0)).toThrow('declareOption: the default 0 is not a number > 0 (option: rate)');
    expect(() => declareOption(optionField.integer(1, 9, true), 'units', 3)).toThrow('declareOption: a required option has no default (option: units)');
    expect(() => declareOption(optionField.boolean(), 'one\ntwo')).toThrow("declareOption: the description must be one non-empty line, got 'one\ntwo'");
    expect(() => declareOption(optionField.boolean(), ' ')).toThrow('one non-empty line');
  });

  it('optionDefaults lists the declared defaults; resolveOptions checks and fills them in', () => {
    expect(optionDefaults(fields)).toEqual({ alpha: 0.01, mode: 'fanIn' });
    expect(resolveOptions('init', { units: 3, alpha: undefined }, fields)).toEqual({ alpha: 0.01, mode: 'fanIn', units: 3 });
    expect(resolveOptions('init', { units: 3, mode: 'fanAvg' }, fields)).toEqual({ alpha: 0.01, mode: 'fanAvg', units: 3 });
    expect(thrown(() => resolveOptions('init', { units: 3, alpah: 1 }, fields)).message).toBe(
      "init: has no option 'alpah'; did you mean 'alpha'? valid options: alpha, mode, units",
    );
    expect(thrown(() => resolveOptions('init', { alpha: 1 }, fields)).message).toBe('init: units is missing; expected an integer from 1 to 100');
  });

  it('a misspelt choice gets a did-you-mean', () => {
    const error = thrown(() => checkOptions("initializer 'varianceScaling'", { units: 1, mode: 'fan_in' }, fields));
    expect(error).toBeInstanceOf(OptionsError);
    expect(error.message).toBe("initializer 'varianceScaling': mode is 'fan_in'; expected 'fanIn', 'fanOut' or 'fanAvg' (did you mean 'fanIn'?)");
    expect(error.option).toBe('mode');
    expect(thrown(() => checkOptions('x', { units: 1, mode: 'zzzzzzz' }, fields)).message).toBe("x: mode is 'zzzzzzz'; expected 'fanIn', 'fanOut' or 'fanAvg'");
  });

  it('listOptions gives each option as plain data, in declaration order', () => {
    expect(listOptions(fields)).toEqual([
      { name: 'alpha', expected: 'a number >= 0', required: false, default: 0.01, description: 'slope for x < 0' },
      { name: 'mode', expected: "'fanIn', 'fanOut' or 'fanAvg'", required: false, default: 'fanIn', description: 'which fan to divide by' },
      { name: 'units', expected: 'an integer from 1 to 100', required: true, description: 'how many outputs' },
    ]);
    expect(listOptions({ flag: optionField.boolean() })).toEqual([{ name: 'flag', expected: 'true or false', required: false }]);
  });

  it('entryOptions: the declared options, or fields read off the older defaults shorthand; both must agree', () => {
    expect(entryOptions('x', { options: fields })).toBe(fields);
    const shorthand = entryOptions("activation 'acme/k'", { defaults: { k: 2, mode: 'a', on: true } });
    expect(listOptions(shorthand)).toEqual([
      { name: 'k', expected: 'a finite number', required: false, default: 2 },
      { name: 'mode', expected: 'a string', required: false, default: 'a' },
      { name: 'on', expected: 'a boolean', required: false, default: true },
    ]);
    expect(thrown(() => checkOptions("activation 'acme/k'", { k: Number.NaN }, shorthand)).message).toBe("activation 'acme/k': k is NaN; expected a finite number");
    expect(entryOptions('x', {})).toEqual({});
    expect(entryOptions('x', { options: fields, defaults: { alpha: 0.01, mode: 'fanIn' } })).toBe(fields);
    expect(thrown(() => entryOptions("activation 'acme/k'", { options: fields, defaults: { alpha: 0.2, mode: 'fanIn' } })).message).toBe(
      "activation 'acme/k': declares both options and defaults, and they disagree on 'alpha' (default 0.01 in options, 0.2 in defaults); declare the default in options only",
    );
  });

  it("catchOptionsError turns an OptionsError into a package's own error, worded as one sentence unless a known option's value is bad", () => {
    class ConfigError extends TypeError {}
    const wrap = (error: OptionsError, message: string) => new ConfigError(message, { cause: error });
    const unknown = thrown(() => catchOptionsError(() => checkOptions("initializer 'x'", { units: 1, alpah: 1 }, fields), fields, wrap));
    expect(unknown).toBeInstanceOf(ConfigError);
    expect(unknown.message).toBe("initializer 'x' has no option 'alpah'; did you mean 'alpha'? valid options: alpha, mode, units");
    expect(unknown.cause).toBeInstanceOf(OptionsError);
    expect(thrown(() => catchOptionsError(() => checkOptions("initializer 'x'", { units: 1, alpha: -1 }, fields), fields, wrap)).message).toBe(
      "initializer 'x': alpha is -1; expected a number >= 0",
    );
    expect(catchOptionsError(() => 3, fields, wrap)).toBe(3);
    const other = new RangeError('not an options error');
    expect(thrown(() => catchOptionsError(() => { throw other; }, fields, wrap))).toBe(other);
  });
});
