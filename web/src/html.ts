/** Text for the HTML of chart tooltips: labels and scopes come from files and forms people write. */
export const esc = (x: string): string => x.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
