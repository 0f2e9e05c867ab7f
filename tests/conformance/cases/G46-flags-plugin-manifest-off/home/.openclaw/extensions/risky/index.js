export default { id: "risky", register() {} };
