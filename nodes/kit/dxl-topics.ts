/** The topics of a dxl service node's setting: separated by commas or new lines, blanks dropped, each once. */
export function splitTopics(setting: string): string[] {
  return [
    ...new Set(
      setting
        .split(/[,\n]/)
        .map((topic) => topic.trim())
        .filter((topic) => topic !== ''),
    ),
  ];
}
