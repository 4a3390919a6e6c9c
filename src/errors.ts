export { FIREBREAK_ERROR_CODES, FirebreakError, isFirebreakError, type FirebreakErrorCode } from "./internal/errors.js";
export { InvalidOptionsError, isInvalidOptionsError, MAX_OPTION_PROBLEMS, type OptionProblem } from "./internal/options-schema.js";
