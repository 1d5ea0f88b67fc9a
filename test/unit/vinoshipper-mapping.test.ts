import { parseDateOfBirth, toVinoshipperOrder, type MappingOptions } from '../../integrations/vinoshipper/mapping';
import { orderRequestSchema } from '../../integrations/vinoshipper/types';
import { orderSnapshot, shippingAddress } from './vinoshipper-fixtures';

const options: MappingOptions = {
  vinoshipperOrderNumber: 'CH-1001',
  dateOfBirthAttribute: 'date_of_birth',
  shippingRate: { carrier: 'UPS', rateCode: '03' },
};

describe('toVinoshipperOrder', () => {
  test('maps a complete Shopify order to the documented request body', () => {
    expect(toVinoshipperOrder(orderSnapshot(), options)).toEqual({
      orderNumber: 'CH-1001',
      orderDate: '2025-03-01T10:00:00Z',
      productIdType: 'SKU',
      products: [{ productId: 'CAB-2021-750', quantity: 2, price: 42 }],
      customer: {
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        phone: '+17075550100',
        dateOfBirth: { day: 10, month: 12, year: 1985 },
        address: { street1: '9 Bill Rd', city: 'Sonoma', postalCode: '95476', stateCode: 'CA', country: 'US' },
      },
      shipToAddress: {
        street1: '1 Vine St',
        street2: 'Apt 2',
        city: 'Napa',
        postalCode: '94558',
        stateCode: 'CA',
        country: 'US',
        firstName: 'Ada',
        lastName: 'Lovelace',
        phone: { number: '+17075550100', country: 'US' },
      },
      shippingRate: { carrier: 'UPS', rateCode: '03' },
      totalPrice: 95.4,
      shippingPrice: 5,
      tax: 6.4,
      isPaid: true,
    });
  });

  test('the mapped body passes the request schema the sandbox validates with', () => {
    expect(orderRequestSchema.safeParse(toVinoshipperOrder(orderSnapshot(), options)).success).toBe(true);
  });

  test('omits the date of birth when the note attribute is missing or unreadable', () => {
    expect(toVinoshipperOrder(orderSnapshot({ noteAttributes: [] }), options).customer).not.toHaveProperty('dateOfBirth');
    const garbled = orderSnapshot({ noteAttributes: [{ name: 'date_of_birth', value: 'soon' }] });
    expect(toVinoshipperOrder(garbled, options).customer).not.toHaveProperty('dateOfBirth');
    const otherName = { ...options, dateOfBirthAttribute: 'dob' };
    expect(toVinoshipperOrder(orderSnapshot({ noteAttributes: [{ name: 'dob', value: '04/23/1990' }] }), otherName).customer.dateOfBirth).toEqual({
      day: 23,
      month: 4,
      year: 1990,
    });
  });

  test('falls back: customer address to shipping, ship-to names to the customer, customer names to the address', () => {
    const body = toVinoshipperOrder(
      orderSnapshot({
        billingAddress: null,
        customer: null,
        shippingAddress: { ...shippingAddress, firstName: null, lastName: null, phone: null },
        phone: '+15550001111',
      }),
      options,
    );
    expect(body.customer.address).toEqual({ street1: '1 Vine St', street2: 'Apt 2', city: 'Napa', postalCode: '94558', stateCode: 'CA', country: 'US' });
    expect(body.customer).toMatchObject({ firstName: '', lastName: '', phone: '+15550001111' });
    expect(body.shipToAddress).toMatchObject({ firstName: '', lastName: '', phone: { number: '+15550001111', country: 'US' } });

    const namesFromCustomer = toVinoshipperOrder(
      orderSnapshot({ shippingAddress: { ...shippingAddress, firstName: null, lastName: null }, customer: { firstName: 'Grace', lastName: 'Hopper' } }),
      options,
    );
    expect(namesFromCustomer.shipToAddress).toMatchObject({ firstName: 'Grace', lastName: 'Hopper' });
  });

  test('leaves a missing ship-to address empty so that Vinoshipper refuses it by field', () => {
    const body = toVinoshipperOrder(orderSnapshot({ shippingAddress: null }), options);
    expect(body.shipToAddress).toMatchObject({ street1: '', city: '', postalCode: '', stateCode: '' });
    const result = orderRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['shipToAddress.street1', 'shipToAddress.city', 'shipToAddress.postalCode', 'shipToAddress.stateCode']),
    );
  });

  test('drops lines an order edit removed and keeps every other line with its own price', () => {
    const body = toVinoshipperOrder(
      orderSnapshot({
        lineItems: [
          { id: '1', sku: 'CAB-2021-750', title: 'Cab', quantity: 1, price: '42.00' },
          { id: '2', sku: 'ROSE-2023-750', title: 'Rosé', quantity: 0, price: '24.00' },
          { id: '3', sku: ' CAB-2021-750 ', title: 'Cab (discounted)', quantity: 2, price: '37.80' },
        ],
      }),
      options,
    );
    expect(body.products).toEqual([
      { productId: 'CAB-2021-750', quantity: 1, price: 42 },
      { productId: 'CAB-2021-750', quantity: 2, price: 37.8 },
    ]);
  });
});

describe('parseDateOfBirth', () => {
  test.each([
    ['1985-12-10', { day: 10, month: 12, year: 1985 }],
    ['1985-1-2', { day: 2, month: 1, year: 1985 }],
    ['12/10/1985', { day: 10, month: 12, year: 1985 }],
    [' 02/29/2000 ', { day: 29, month: 2, year: 2000 }],
  ])('reads %p', (text, expected) => {
    expect(parseDateOfBirth(text)).toEqual(expected);
  });

  test.each([undefined, '', '1985-02-30', '13/01/1985', '10.12.1985', '1985/12/10', '1850-01-01', '2999-01-01', '85-12-10'])('rejects %p', (text) => {
    expect(parseDateOfBirth(text)).toBeNull();
  });
});
