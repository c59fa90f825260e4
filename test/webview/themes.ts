// The themes moved beside the webviews: the shared report (webview/report/) paints with them too.
export * from '../../webview/shared/themes';
