export * from './order';
export * from './settings';
export * from './messages';
export * from './issues';
export * from './activities';
export * from './search-attributes';
export * from './workflow-ids';
export * from './order-workflow';
