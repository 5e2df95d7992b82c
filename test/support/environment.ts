// The SDK warns that this machine's Node 20 will soon be unsupported; the function itself runs on nodejs22.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
