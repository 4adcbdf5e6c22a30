// Pieces shared by the crafted-segment scenario files (tcp-scenarios, tcp-rate-limits).

/** Segments without options: timestamps, SACK and window scaling have scenarios of their own. */
export const plain = { timestamps: false, sack: false, windowScaling: false, receiveBufferSize: 65535 } as const;

/** A passive open leaving the SUT in ESTABLISHED at t = 10 ms with the flow accepted. */
export const established = `
  0.000 listen 8080
  0.000 < S 0:0(0) win 65535 <mss 1460>
  0.000 > S. 0:0(0) ack 1 win 65535 <mss 1460>
  0.010 < . 1:1(0) ack 1 win 65535
  0.010 accept
`;
