export { structuralErrors, validateResource, VALIDATED_TYPES } from './validate.js';
