/** Puppeteer must never download a browser here: we use Debian's /usr/bin/chromium (or CHROME_PATH). */
module.exports = {
  skipDownload: true,
};
