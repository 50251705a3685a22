import { CustomVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';

/**
 * `$service` offers exactly the services from services/ (not label_values() from Prometheus):
 * the dropdown never lists a typo'd or retired service.name, and a new service appears in it by
 * being added to the repository.
 */
export function serviceVariable(services: readonly string[], options: { multi: boolean }) {
  const first = services[0] ?? '';
  const variable = new CustomVariableBuilder('service')
    .label('Service')
    .values(services.join(','))
    .options(services.map((name) => ({ text: name, value: name, selected: name === first })))
    .multi(options.multi);
  if (options.multi) {
    // `.*` rather than Grafana's default alternation keeps the regex short and matches services
    // that appear before the dashboards are regenerated.
    return variable
      .includeAll(true)
      .allValue('.*')
      .current({ text: 'All', value: '$__all', selected: true });
  }
  return variable.current({ text: first, value: first, selected: true });
}
