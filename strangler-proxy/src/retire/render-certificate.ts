/**
 * The retirement certificate as Markdown, to attach to the pull request that deletes the monolith's
 * code: what was checked, over which window, from which store, each figure and the verdict. Route data
 * goes into code spans, escaped for tables.
 */
import type { CheckName, RetirementCertificate } from './retirement-certificate.ts';

const CHECK_TITLES: Record<CheckName, string> = {
  migrated: 'The route is migrated',
  service_traffic: 'The service served the route',
  monolith_traffic: 'The monolith served none of it',
  unclaimed_paths: 'No path under the route went unclaimed to the monolith',
  fleet_on_revision: "Every live proxy runs the file's revision",
};

export function renderCertificateMarkdown(certificate: RetirementCertificate, store: string): string {
  const { input } = certificate;
  const iso = (at: number) => new Date(at).toISOString();
  const lines = [
    `## Retirement certificate: route ${code(input.routeId)}`,
    '',
    `Path ${code(input.path)}, service ${code(input.service)}, revision ${code(input.revision)}.`,
    `Evidence pooled from every proxy writing to ${code(store)}, from ${iso(input.since)} to ${iso(input.until)}.`,
    '',
    '| Check | Figure | |',
    '| --- | --- | --- |',
    ...certificate.checks.map(
      (check) => `| ${CHECK_TITLES[check.name]} | ${cell(check.figure)} | ${check.passed ? '✓' : '✗'} |`,
    ),
    '',
  ];
  if (certificate.unclaimed.length > 0) {
    lines.push('Unclaimed requests the monolith served under the route:', '');
    for (const row of certificate.unclaimed)
      lines.push(`- ${code(`${row.method} ${row.template}`)}: ${row.count} requests`);
    lines.push('');
  }
  lines.push(
    certificate.retirable
      ? `**Retirable:** the monolith's code for ${code(input.path)} served nothing over the window and can be deleted.`
      : `**Refused:** not shown: ${certificate.checks
          .filter((check) => !check.passed)
          .map((check) => CHECK_TITLES[check.name].toLowerCase())
          .join('; ')}.`,
  );
  return `${lines.join('\n')}\n`;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
